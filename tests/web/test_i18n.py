"""The French interface: the catalog covers every message of web/, keeps its placeholders and
plural forms, the committed .mo matches the .po, and pages come out in the chosen language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from flask import Flask
from markupsafe import escape

from kb.service.importing import ImportOptions, import_paths
from kb.service.knowledge_base import KnowledgeBase
from kb.core.themes import vocabulary
import web
from web.app import create_app

WEB = Path(web.__file__).resolve().parent        # the package the catalog covers
ROOT = WEB.parent
TRANSLATIONS = WEB / "translations"
PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
# The keywords `pybabel extract -k _l -k lazy_gettext` adds to babel's defaults.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
FIX = """To bring the catalog up to date, from the project root:
  pybabel extract -F web/babel.cfg -k _l -k lazy_gettext --no-location --sort-output \\
      --project practice-kb -o web/translations/messages.pot web
  pybabel update -i web/translations/messages.pot -d web/translations -l fr
  (translate the new or fuzzy entries in web/translations/fr/LC_MESSAGES/messages.po)
  pybabel compile -d web/translations"""
# %(name)s and its variants (%(count)d, %(share).1f); "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def read_catalog() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f)


def source_messages() -> dict[tuple[str | None, str | tuple[str, ...]], str]:
    """Every message of web/'s sources as `pybabel extract` finds it, with where it is."""
    with (WEB / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f, str(WEB / "babel.cfg"))
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            WEB, method_map, options_map, keywords=KEYWORDS):
        key = (context, tuple(message) if isinstance(message, (list, tuple)) else message)
        found.setdefault(key, f"web/{filename}:{lineno}")
    return found


def forms(message) -> tuple[str, ...]:
    return tuple(message.string) if message.pluralizable else (message.string,)


def ids(message) -> tuple[str, ...]:
    return tuple(message.id) if message.pluralizable else (message.id,)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_catalog_translates_every_message_of_the_sources():
    catalog = read_catalog()
    assert not catalog.fuzzy, f"{PO} has a fuzzy header: pybabel compile would skip it."
    assert catalog.num_plurals == 2 and catalog.plural_expr == "(n > 1)"
    sources = source_messages()
    assert len(sources) > 100          # the extraction itself found the interface's messages
    problems = []
    for (context, msgid), where in sorted(sources.items(), key=lambda item: item[1]):
        wanted = msgid if isinstance(msgid, tuple) else (msgid,)
        message = catalog.get(wanted[0], context)
        if message is None:
            problems.append(f"{where}: {msgid!r} is not in the catalog")
        elif ids(message) != wanted:
            problems.append(f"{where}: {msgid!r} is in the catalog as {message.id!r}")
        elif message.fuzzy:
            problems.append(f"{where}: {msgid!r} is marked fuzzy")
        elif len(forms(message)) != (catalog.num_plurals if message.pluralizable else 1) \
                or not all(form.strip() for form in forms(message)):
            problems.append(f"{where}: {msgid!r} has an empty translation")
    assert not problems, ("French translations missing for messages of web/:\n  "
                          + "\n  ".join(problems) + "\n" + FIX)


def test_translations_keep_the_placeholders():
    wrong = []
    for message in read_catalog():
        if not message.id:
            continue
        expected = set().union(*(placeholders(text) for text in ids(message)))
        for form in forms(message):
            if placeholders(form) != expected:
                wrong.append(f"{message.id!r} -> {form!r}: has {sorted(placeholders(form))}, "
                             f"needs {sorted(expected)}")
                continue
            # Jinja's gettext always applies `%`, so a stray "%" would break the page.
            try:
                form % {name: "x" for name in expected}
            except (ValueError, TypeError, KeyError) as exc:
                wrong.append(f"{message.id!r} -> {form!r}: {exc}")
    assert not wrong, "Translations whose %(name)s placeholders differ:\n  " + "\n  ".join(wrong)


def test_committed_mo_matches_the_po():
    def table(catalog: Catalog) -> dict:
        return {(m.context, ids(m)): forms(m) for m in catalog if m.id and not m.fuzzy}

    with MO.open("rb") as f:
        compiled = table(read_mo(f))
    source = table(read_catalog())
    stale = sorted(key[1][0] for key in source.keys() | compiled.keys()
                   if source.get(key) != compiled.get(key))
    assert not stale, (f"{MO.relative_to(ROOT)} is older than the .po for: {stale[:10]}; run "
                       "`pybabel compile -d web/translations` and commit the .mo.")


# Rendering, on a real knowledge base built once from the sample sheets.

@pytest.fixture(scope="module")
def home(demo_files, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("i18n") / "kb"
    with KnowledgeBase(home) as kb:
        report = import_paths(kb, [demo_files], ImportOptions(workers=1))
    assert report.files and all(item.outcome == "imported" for item in report.files)
    return home


@pytest.fixture(scope="module")
def records(home) -> list[dict]:
    with KnowledgeBase(home) as kb:
        return [item.record for item in kb.store.records() if item.status == "published"]


@pytest.fixture(scope="module")
def app(home) -> Iterator[Flask]:
    app = create_app({"KB_HOME": home, "TESTING": True})
    yield app
    app.extensions["knowledge_base"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def french() -> Catalog:
    return read_catalog()


def fr(catalog: Catalog, msgid: str) -> str:
    """The French of a message, as it appears escaped in a page."""
    return str(escape(catalog.get(msgid).string))


def test_browser_preference_gives_french_pages(client, french, records):
    html = client.get("/", headers={"Accept-Language": "fr-BE,fr;q=0.9,en;q=0.5"}).get_data(True)
    assert '<html lang="fr">' in html
    for msgid in ("Search the practice sheets", "Filters", "Language of the sheet", "Sort by"):
        assert fr(french, msgid) in html, msgid
    assert "Search the practice sheets" not in html
    themes = {theme for record in records for theme in record["themes"]}
    for theme in themes:
        labels = vocabulary()[theme].labels
        assert str(escape(labels["fr"])) in html
        if labels["en"] != labels["fr"]:
            assert str(escape(labels["en"])) not in html
    assert "Allemagne" in html and "Royaume-Uni" in html
    assert "Germany" not in html and "United Kingdom" not in html
    assert "allemand" in html                      # a sheet's language, named in French


def test_english_for_other_browsers(client, french):
    html = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(True)
    assert '<html lang="en">' in html
    assert "Search the practice sheets" in html and "Germany" in html
    assert fr(french, "Search the practice sheets") not in html


@pytest.mark.parametrize("cookie, browser", [("en", "fr"), ("fr", "en")])
def test_the_language_switch_wins_over_the_browser(client, french, cookie, browser):
    client.set_cookie("lang", cookie)
    html = client.get("/", headers={"Accept-Language": browser}).get_data(True)
    assert f'<html lang="{cookie}">' in html
    french_heading = fr(french, "Search the practice sheets")
    assert (french_heading in html) == (cookie == "fr")
    assert ("Search the practice sheets" in html) == (cookie == "en")


def test_switching_language_sets_the_cookie_and_returns(client):
    response = client.get("/language/fr?next=/analysis%3Fq%3Dnight")
    assert response.status_code == 302
    assert response.headers["Location"] == "/analysis?q=night"
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "fr" and cookie.http_only
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(True)
    assert '<html lang="fr">' in html


@pytest.mark.parametrize("path", ["/language/de?next=/", "/language/fr?next=//evil.example/",
                                  "/language/fr?next=https://evil.example/"])
def test_switch_ignores_unknown_languages_and_foreign_targets(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = client.get_cookie("lang")
    assert cookie is None or cookie.value == "fr"


def test_analysis_in_french_writes_numbers_the_french_way(client, french, records):
    budgets = [(r.get("budget") or {}).get("amount_eur") for r in records]
    top = max(amount for amount in budgets if amount is not None)
    assert top >= 1_000_000                        # big enough to need grouping
    html = client.get("/analysis", headers={"Accept-Language": "fr"}).get_data(True)
    english = client.get("/analysis", headers={"Accept-Language": "en"}).get_data(True)
    # The largest yearly figure, as each language writes it.
    shown = re.search(r"– ([\d,]+) EUR</span>", english).group(1)
    french = format_decimal(int(shown.replace(",", "")), format="#,##0", locale="fr")
    assert "\u202f" in french                      # babel groups French digits with U+202F
    assert f"{french} EUR" in html and f"{shown} EUR" not in html
    assert "Budget figure" not in html and "Per participant" not in html


def test_sheet_page_names_its_language_in_french(client, french, home):
    with KnowledgeBase(home) as kb:
        item = next(i for i in kb.store.records() if i.record["language"] == "es")
    html = client.get(f"/sheets/{item.id}", headers={"Accept-Language": "fr"}).get_data(True)
    heading = french.get("Sheet in %(language)s").string % {"language": "espagnol"}
    assert str(escape(heading)) in html
    assert fr(french, "About this initiative") in html
