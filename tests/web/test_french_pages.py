"""Every page in French, public and staff, holds no English interface text: each page's own
words (the sheets' text taken out) are checked against the catalog's English msgids and a list
of English-only words, so a message left untranslated, a form error or an importer warning in
English fails here, naming the page and the words."""

from __future__ import annotations

import functools
import io
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from babel.messages.pofile import read_po
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

import web
from kb.core.record import load_draft
from kb.service.importing import ImportOptions, import_paths
from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import Users
from web.app import create_app
from web.review import form_values

TRANSLATIONS = Path(web.__file__).resolve().parent / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%")
# Words that are English and no French word: two of them in one piece of text is English.
ENGLISH_ONLY = frozenset("""the was were is are been must not this that these with which
should would could have has found valid value your you please could there their
""".split())
DRAFT = {"title": "Zeppelin watch over the harbour", "language": "en", "city": "Bristol",
         "country": "GB", "objectives": "Watch the harbour from a zeppelin at night.",
         "themes": ["nightlife"]}


def normal(text: str) -> str:
    return " ".join(text.split())


def words(text: str) -> str:
    """A text's words alone: a snippet with its bullets redrawn or cut short still matches."""
    return " ".join(re.findall(r"\w+", text.lower()))


def english_phrases() -> list[str]:
    """The catalog's English pieces of two words or more that French writes otherwise: a whole
    msgid, or each literal stretch between its placeholders."""
    with (TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    phrases = set()
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        french = " ".join(message.string if isinstance(message.string, tuple)
                          else (message.string,))
        for text in english:
            for piece in PLACEHOLDER.split(re.sub(r"<[^>]+>", " ", text)):
                piece = normal(piece.strip(" .,:;()!?\"'“”"))
                if len(piece.split()) > 1 and piece not in french:
                    phrases.add(piece)
    return sorted(phrases, key=len, reverse=True)


def record_texts(value) -> Iterator[str]:
    """Every string a record holds (its keys too: extra sections are headed by them)."""
    if isinstance(value, str):
        yield normal(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield normal(str(key))
            yield from record_texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from record_texts(item)


def interface_texts(page: str | bytes, sheet_text: str) -> list[str]:
    """The page's own words: its text nodes and the attributes a user reads, less what is a
    piece of a sheet's text (titles, snippets, sections, values)."""
    doc = lxml.html.fromstring(page)
    for element in doc.xpath("//script | //style"):
        element.drop_tree()
    pieces = [normal(text) for text in doc.xpath("//body//text()")]
    for attribute in ("title", "placeholder", "aria-label", "alt"):
        pieces += [normal(value) for value in doc.xpath(f"//@{attribute}")]
    pieces += [normal(value) for value in doc.xpath("//input[@type='submit']/@value")]
    pieces.append(normal(doc.xpath("string(//title)")))
    found = []
    for piece in pieces:
        bare = words(piece)
        if len(bare) < 3 or f" {bare} " in sheet_text:
            continue
        found.append(piece)
    return found


@functools.lru_cache(maxsize=4)
def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    """One pattern for all the phrases, longest first: a search per phrase would recompile
    each of them on every piece of text (there are more than re's cache holds)."""
    alternatives = "|".join(re.escape(phrase) for phrase in phrases)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def english_in(page: str, sheet_text: str, phrases: list[str]) -> list[str]:
    pattern = phrase_pattern(tuple(phrases))
    problems = []
    for text in interface_texts(page, sheet_text):
        hits = [match.group() for match in pattern.finditer(text)]
        words = set(re.findall(r"[a-z]+", text.lower())) & ENGLISH_ONLY
        if hits or len(words) >= 2:
            problems.append(f"{text!r} ({', '.join(hits[:2]) or ' '.join(sorted(words))})")
    return problems


# ----------------------------------------------------------------------------- the site

@pytest.fixture(scope="module")
def home(demo_files, password, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("french") / "kb"
    with KnowledgeBase(home) as kb:
        report = import_paths(kb, [demo_files], ImportOptions(workers=1))
        assert sum(1 for item in report.files if item.record_id) == 12, report
        draft, errors = load_draft(DRAFT)
        assert not errors
        kb.save(draft, "draft")
        Users(kb.store).add("alice", password)
    return home


@pytest.fixture(scope="module")
def app(home):
    application = create_app({"KB_HOME": home, "TESTING": True})
    yield application
    application.extensions["knowledge_base"].close()


@pytest.fixture(scope="module")
def records(app) -> list:
    return list(app.extensions["knowledge_base"].kb.store.records())


@pytest.fixture(scope="module")
def sheet_text(records) -> str:
    # Padded, one value a line, so a piece matches whole words of one value.
    return " " + " \n ".join(words(text) for item in records
                              for text in record_texts(item.record)) + " "


@pytest.fixture(scope="module")
def phrases() -> list[str]:
    found = english_phrases()
    assert len(found) > 200            # the catalog was read
    return found


def by_file(records, start: str):
    [found] = [item for item in records
               if ((item.record.get("source") or {}).get("filename") or "").startswith(start)]
    return found


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def french_client(app):
    client = app.test_client()
    client.set_cookie("lang", "fr")
    return client


def check(client, path: str, phrases, sheet_text, status: int = 200, **kwargs) -> str:
    response = client.get(path, **kwargs)
    page = response.get_data(as_text=True)
    assert response.status_code == status, (path, page[:500])
    assert '<html lang="fr">' in page, path
    problems = english_in(page, sheet_text, phrases)
    assert not problems, f"English on the French page {path}:\n  " + "\n  ".join(problems)
    return page


def test_the_detector_finds_english_and_ignores_the_sheets_text(phrases, sheet_text, records):
    english = by_file(records, "demo01").record
    page = (f"<html><body><h2>{english['title']}</h2><p>{english['objectives'][:120]}…</p>"
            "<p>Recherche</p></body></html>")
    assert english_in(page, sheet_text, phrases) == []
    assert english_in("<html><body><label>Target groups</label></body></html>",
                      sheet_text, phrases)
    assert english_in("<html><body><p>No budget figure was found.</p></body></html>",
                      sheet_text, phrases)
    assert english_in('<html><body><input placeholder="Search the practice sheets">'
                      "</body></html>", sheet_text, phrases)


def test_every_public_page_is_french(app, records, phrases, sheet_text):
    client = french_client(app)
    search = check(client, "/", phrases, sheet_text)
    check(client, "/?q=nuit", phrases, sheet_text)
    check(client, "/?q=night", phrases, sheet_text)
    check(client, "/?q=zorblaxquux", phrases, sheet_text)
    # Facets selected: the first value of each facet of the search page.
    doc = lxml.html.fromstring(search)
    chosen = [(box.get("name"), box.get("value")) for box in
              (facet.xpath(".//input[@type='checkbox']")[0]
               for facet in doc.xpath("//fieldset[contains(@class,'facet')]"))]
    assert len(chosen) >= 5
    for name, value in chosen:
        check(client, "/", phrases, sheet_text, query_string={name: value})
    check(client, "/", phrases, sheet_text, query_string=MultiDict(chosen[:2] + [("q", "nuit")]))
    check(client, "/?year_from=2015&budget_min=10.000&sort=newest", phrases, sheet_text)
    published = [item for item in records if item.status == "published"]
    for item in published:
        check(client, f"/sheets/{item.id}", phrases, sheet_text)
    picks = "&".join(f"pick={item.id}" for item in published[:3])
    check(client, f"/compare?{picks}", phrases, sheet_text)
    # Too few picks: back to the results with the message in the tray.
    check(client, f"/compare?pick={published[0].id}&from=search", phrases, sheet_text,
          follow_redirects=True)
    check(client, f"/compare?pick={published[0].id}", phrases, sheet_text, status=400)
    check(client, "/analysis", phrases, sheet_text)
    check(client, "/analysis?country=FR", phrases, sheet_text)
    check(client, "/staff/sign-in", phrases, sheet_text)
    # Error pages.
    check(client, "/no-such-page", phrases, sheet_text, status=404)
    check(client, "/sheets/no-such-sheet", phrases, sheet_text, status=404)
    check(client, "/?budget_min=beaucoup", phrases, sheet_text, status=400)
    check(client, "/?page=zero", phrases, sheet_text, status=400)


def test_the_feed_page_is_french(app, phrases, sheet_text):
    client = french_client(app)
    # A browser asks for HTML first and gets the feed as a page; feed readers get Atom.
    page = check(client, "/feed.atom?q=vie+nocturne", phrases, sheet_text,
                 headers={"Accept": "text/html,application/xml;q=0.9,*/*;q=0.8"})
    assert "<article" in page                        # its entries are shown
    response = client.get("/feed.atom?q=vie+nocturne")
    assert response.mimetype == "application/atom+xml"
    feed = response.get_data(as_text=True)
    # The feed's own words: its title and subscribe hint (entries are the sheets').
    own = re.sub(r"<entry>.*?</entry>", "", feed, flags=re.DOTALL)
    texts = [normal(t) for t in re.findall(r">([^<>]+)<", own) if normal(t)]
    page = "<html><body>" + "".join(f"<p>{t}</p>" for t in texts) + "</body></html>"
    assert not english_in(page, sheet_text, phrases), texts


def wait_for(client, batch_id: str) -> None:
    started = time.monotonic()
    while client.get(f"/staff/batches/{batch_id}.json").get_json()["status"] in (
            "queued", "running"):
        assert time.monotonic() - started < 60
        time.sleep(0.2)


def test_every_staff_page_is_french(app, records, password, demo_files, phrases, sheet_text):
    client = french_client(app)
    # A wrong password first: its message.
    page = client.get("/staff/sign-in").get_data(as_text=True)
    wrong = client.post("/staff/sign-in", data={"name": "alice", "password": "nope",
                                                "csrf_token": csrf(page)})
    assert not english_in(wrong.get_data(as_text=True), sheet_text, phrases)
    signed = client.post("/staff/sign-in", data={"name": "alice", "password": password,
                                                 "csrf_token": csrf(page)})
    assert signed.status_code == 302
    check(client, "/staff/", phrases, sheet_text)
    check(client, "/staff/review", phrases, sheet_text)
    warned = by_file(records, "demo03")
    assert warned.warnings                      # its importer warning is shown, in French
    check(client, f"/staff/sheets/{warned.id}", phrases, sheet_text)
    [draft] = [item for item in records if item.status == "draft"]
    check(client, f"/staff/sheets/{draft.id}", phrases, sheet_text)
    path = f"/staff/sheets/{warned.id}/edit"
    form = check(client, path, phrases, sheet_text)
    # An edit with several errors at once: every message in French.
    data = MultiDict()
    for name, value in form_values(warned.record).items():
        if name == "themes":
            data.setlist("themes", value)
        elif name == "extras":
            data.setlist("extra_heading", [h for h, _ in value])
            data.setlist("extra_text", [t for _, t in value])
        else:
            data[name] = value
    for name, value in {"start_year": "bientôt", "end_year": "1990",
                        "contact_email": "eva chez ici", "language": "xx",
                        "budget_amount": "5000", "budget_currency": "XYZ",
                        "csrf_token": csrf(form), "version": str(warned.version)}.items():
        data[name] = value
    response = client.post(path, data=data)
    assert response.status_code == 422, response.location
    errors = response.get_data(as_text=True)
    assert errors.count('class="notice error"') >= 3
    problems = english_in(errors, sheet_text, phrases)
    assert not problems, "English on the edit form's errors:\n  " + "\n  ".join(problems)
    check(client, f"/staff/sheets/{warned.id}/reparse", phrases, sheet_text)
    # A batch: a sheet, a refused file and a broken one.
    upload = check(client, "/staff/batches", phrases, sheet_text)
    files = MultiDict({"csrf_token": csrf(upload)})
    # A zip holding a sheet and what is skipped inside it: the reasons are listed too.
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("bundle/porto.docx", next(demo_files.glob("demo11*")).read_bytes())
        archive.writestr("bundle/readme.txt", "notes")
        archive.writestr("bundle/.hidden.pdf", b"%PDF-1.4")
        archive.writestr("bundle/~$porto.docx", b"lock")
    for content, name in [(next(demo_files.glob("demo01*")).read_bytes(), "bristol.docx"),
                          (b"plain notes", "notes.txt"), (b"", "empty.docx"),
                          (b"Minutes, not a sheet.\n", "minutes.pdf"),
                          (bundle.getvalue(), "bundle.zip")]:
        files.add("files", FileStorage(io.BytesIO(content), name, "files"))
    boundary, body = encode_multipart(files)
    sent = client.post("/staff/batches", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert sent.status_code == 303
    batch_id = sent.location.rsplit("/", 1)[-1]
    wait_for(client, batch_id)
    report = check(client, f"/staff/batches/{batch_id}", phrases, sheet_text)
    assert "readme.txt" in report and "fichier caché" in report
    check(client, "/staff/batches/no-such-batch", phrases, sheet_text, status=404)
    check(client, "/staff/audit", phrases, sheet_text)
    check(client, "/staff/sheets/no-such-sheet", phrases, sheet_text, status=404)
