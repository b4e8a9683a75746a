"""Staff uploads: many files and zips in one batch, imported in the background by the bulk
import, a batch page with progress and the per-file report (CSV too), limits, guards, audit."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
import zipfile
from importlib import resources
from pathlib import Path

import docx
import lxml.html
import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from importers.report import OUTCOMES
from kb.service.audit import AuditLog
from kb.service.batches import STALE_AFTER, Batches
from kb.core.errors import ERROR_KINDS
from kb.core.search_args import SearchRequest
from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import Users
from web.app import create_app
from web.batches import _given_name, _safe_name

SAMPLES = Path(str(resources.files("kb.cli") / "demo"))
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "robustness"
# Only turns a hang into a failure: the robustness batch takes well under a minute.
DEADLINE = 300


def sample(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}-*"))


@pytest.fixture
def home(password, tmp_path: Path) -> Path:
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        Users(kb.store).add("alice", password)
    return home


def make_app(home: Path, **config):
    return create_app({"KB_HOME": home, "TESTING": True, "UPLOAD_WORKERS": 2, **config})


@pytest.fixture
def app(home):
    application = make_app(home)
    yield application
    close(application)


def close(application) -> None:
    # A batch still finishing its last steps must not outlive the test's knowledge base.
    for thread in threading.enumerate():
        if thread.name.startswith("kb-upload-"):
            thread.join(DEADLINE)
    application.extensions["knowledge_base"].close()


@pytest.fixture
def client(sign_in, app):
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client


@pytest.fixture
def upload(token):
    """upload(client, [(content or path, name)...]) POSTs the files as field "files"."""
    def posting(client, files: list[tuple[bytes | Path, str]], path: str = "/staff/batches",
                csrf: bool = True, headers: dict | None = None, **fields):
        # These tests are about the import: sheets published at once, unless a test sends
        # publish=None (the form's default, drafts awaiting review).
        fields.setdefault("publish", "1")
        data = MultiDict({name: value for name, value in fields.items() if value is not None})
        if csrf and not headers:
            data["csrf_token"] = token(client, "/staff/batches")
        for content, name in files:
            data.add("files", FileStorage(io.BytesIO(content if isinstance(content, bytes)
                                                     else content.read_bytes()), name, "files"))
        # Encoded here in memory: the test client would spool a large body to a file it never
        # closes (a ResourceWarning).
        boundary, body = encode_multipart(data)
        return client.post(path, data=body, headers=headers or {},
                           content_type=f"multipart/form-data; boundary={boundary}")
    return posting


def wait(client, batch_id: str, page_too: bool = False) -> dict:
    """Poll the batch's JSON until it ends; with `page_too`, its page must answer meanwhile."""
    started = time.monotonic()
    while True:
        response = client.get(f"/staff/batches/{batch_id}.json")
        assert response.status_code == 200
        batch = response.get_json()
        if page_too:
            assert client.get(f"/staff/batches/{batch_id}").status_code == 200
        if batch["status"] not in ("queued", "running"):
            return batch
        assert time.monotonic() - started < DEADLINE, batch
        time.sleep(0.2)


def batch_id_of(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.location.rsplit("/", 1)[-1]


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def token_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def search_ids(client) -> set[str]:
    found = client.get("/api/search?limit=50").get_json()
    return {hit["id"] for hit in found["hits"]}


def by_file(batch: dict) -> dict[str, dict]:
    return {item["file"]: item for item in batch["files"]}


# A mixed batch

MIXED = [
    (sample("demo01"), "Night safe haven, Bristol.docx"),
    (sample("demo03"), "demo03-prevention-radicalismes-charleroi.pdf"),
    (b"Minutes of the meeting, not a sheet at all.\n", "minutes.pdf"),
    (b"", "empty.docx"),
    (b"plain notes", "notes.txt"),
    (zip_of({"sheets/bilbao.pdf": sample("demo05").read_bytes(),
             "sheets/bremen.docx": sample("demo07").read_bytes(),
             "sheets/broken.docx": b"PK\x03\x04 this is no Word file",
             "readme.txt": b"not a sheet"}), "three sheets.zip"),
]
GOOD = ["Night safe haven, Bristol.docx", "demo03-prevention-radicalismes-charleroi.pdf",
        "three sheets.zip!/sheets/bilbao.pdf", "three sheets.zip!/sheets/bremen.docx"]
BAD = {"minutes.pdf": "unsupported-format", "empty.docx": None, "notes.txt": None,
       "three sheets.zip!/sheets/broken.docx": None}


def test_a_mixed_batch_imports_the_good_files_and_reports_each(upload, client, home):
    batch_id = batch_id_of(upload(client, MIXED))
    batch = wait(client, batch_id)
    assert batch["status"] == "done", batch
    files = by_file(batch)
    assert set(files) == set(GOOD) | set(BAD)
    for name in GOOD:
        assert files[name]["outcome"] == "imported", files[name]
        assert files[name]["record_id"]
    for name, kind in BAD.items():
        item = files[name]
        assert item["outcome"] == "rejected", item
        assert item["error_kind"] in ERROR_KINDS and item["error_message"], item
        assert kind is None or item["error_kind"] == kind, item
    # The rejected file is named as the user named it, not as it was saved on the server.
    assert files["minutes.pdf"]["error_message"].startswith("minutes.pdf ")
    assert files["notes.txt"]["error_kind"] == "unsupported-format"
    assert batch["ignored"] == [{"file": "three sheets.zip!/readme.txt",
                                 "reason": "not a PDF, Word or zip file"}]
    assert batch["total"] == batch["done"] == len(files)
    assert batch["counts"] == {**dict.fromkeys(OUTCOMES, 0), "imported": 4, "rejected": 4}

    # The good sheets are published and found by the search.
    imported = {files[name]["record_id"] for name in GOOD}
    assert search_ids(client) == imported

    # The page: every file with its outcome, links to the new sheets, problems explained.
    page = client.get(f"/staff/batches/{batch_id}")
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.get_data(as_text=True))
    rows = {row.xpath("string(th)"): row for row in doc.xpath("//table[contains(@class,"
                                                              "'report')]/tbody/tr")}
    assert set(rows) == set(files)
    for name in GOOD:
        # Staff go on to review what they uploaded: the staff page of each sheet.
        assert rows[name].xpath(".//a/@href") == [f"/staff/sheets/{files[name]['record_id']}"]
    assert rows["minutes.pdf"].xpath(".//*[@data-kind]/@data-kind") == ["unsupported-format"]
    assert "unsupported-format" not in rows["minutes.pdf"].text_content()   # words, not codes
    # Named by when and by whom, not by its id; the files found inside the zips counted.
    heading = doc.xpath("string(//h1)")
    assert batch_id not in heading and batch["user"] in heading
    assert re.search(r"\d{2}:\d{2}", heading), heading
    assert str(len(files)) in doc.xpath("string(//*[contains(@class, 'processed')])")
    assert not doc.xpath("//noscript") and not doc.xpath("//progress")   # done: no refresh

    # In French, the problems are worded in French, still naming the files as the user did.
    client.set_cookie("lang", "fr")
    french = lxml.html.fromstring(client.get(f"/staff/batches/{batch_id}").get_data(as_text=True))
    problems = {row.xpath("string(th)"): row.xpath("string(td[3])") for row in french.xpath(
        "//table[contains(@class,'report')]/tbody/tr")}
    assert "minutes.pdf est un fichier texte brut" in problems["minutes.pdf"]
    assert "empty.docx est vide (0 octet)" in problems["empty.docx"]
    assert not any("submit it again" in text for text in problems.values()), problems
    client.set_cookie("lang", "en")

    # The CSV: the same rows, for a spreadsheet.
    response = client.get(f"/staff/batches/{batch_id}/report.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows_csv = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {row["file"]: row["outcome"] for row in rows_csv} == {
        name: item["outcome"] for name, item in files.items()}
    assert {row["record_id"] for row in rows_csv if row["outcome"] == "imported"} == imported

    # The audit log: each new record by its id, and the batch with its counts.
    with KnowledgeBase(home) as kb:
        log = AuditLog(kb.store)
        for record_id in imported:
            entries = log.entries(record_id=record_id)
            assert [(e.user, e.action) for e in entries] == [("alice", "import")]
            assert json.loads(entries[0].detail)["batch"] == batch_id
        summary = [e for e in log.entries() if e.action == "import" and e.record_id is None]
        assert len(summary) == 1
        assert json.loads(summary[0].detail) == {"batch": batch_id, "files": 8,
                                                 "counts": batch["counts"]}
    # The uploads themselves are gone: the archive keeps the originals.
    assert not (home / "uploads" / batch_id / "files").exists()


def test_the_same_batch_again_skips_what_is_imported(upload, client, home):
    first = wait(client, batch_id_of(upload(client, MIXED[:3])))
    again = wait(client, batch_id_of(upload(client, MIXED[:3])))
    assert first["counts"]["imported"] == 2 and first["counts"]["rejected"] == 1
    assert again["counts"] == {**dict.fromkeys(OUTCOMES, 0), "unchanged": 3}
    still = by_file(again)["minutes.pdf"]
    assert still["error_kind"] == "unsupported-format"          # rejected before, still is
    # The report page links each sheet met again by its title, not its id.
    report = lxml.html.fromstring(client.get(again["page"]).get_data(as_text=True))
    links = report.xpath(
        "//table[contains(@class, 'report')]//a[starts-with(@href, '/staff/sheets/')]")
    assert len(links) == 2
    for link in links:
        assert link.text_content() and link.text_content() != link.get("href").rsplit("/", 1)[-1]
    with KnowledgeBase(home) as kb:
        per_record = [e for e in AuditLog(kb.store).entries() if e.record_id]
    assert len(per_record) == 2                                 # nothing imported again


def test_drafts_on_request(upload, client):
    incomplete = zip_of({"no-sections.docx": _docx_with_title_only()})
    rejected = wait(client, batch_id_of(upload(client, [(incomplete, "a.zip")])))
    assert rejected["files"][0]["outcome"] == "rejected"
    assert rejected["files"][0]["error_kind"] == "invalid"
    kept = wait(client, batch_id_of(upload(client, [(incomplete, "a.zip")], draft="1")))
    item = kept["files"][0]
    assert item["outcome"] == "draft" and item["record_id"]
    assert item["record_id"] not in search_ids(client)
    page = client.get(f"/staff/batches/{kept['id']}").get_data(as_text=True)
    assert f'href="/staff/sheets/{item["record_id"]}"' in page
    assert f'href="/sheets/{item["record_id"]}"' not in page        # no public page of a draft


def test_uploads_wait_for_review_as_drafts_unless_published_at_once(upload, client, home):
    batch = wait(client, batch_id_of(upload(client, MIXED[:2], publish=None)))
    files = by_file(batch)
    assert [files[name]["outcome"] for name in GOOD[:2]] == ["draft", "draft"]
    ids = {files[name]["record_id"] for name in GOOD[:2]}
    assert not ids & search_ids(client)                       # not public
    queue = client.get("/staff/review").get_data(as_text=True)
    for record_id in ids:
        assert f'href="/staff/sheets/{record_id}"' in queue      # the queue shows what waits
    with KnowledgeBase(home) as kb:
        assert {kb.get(record_id).status for record_id in ids} == {"draft"}
    form = lxml.html.fromstring(client.get("/staff/batches").get_data(as_text=True))
    [box] = form.xpath("//input[@name='publish']")
    assert box.get("type") == "checkbox" and box.get("checked") is None    # off by default


def _docx_with_title_only() -> bytes:
    document = docx.Document()
    document.add_paragraph("Street lighting walks in Tartu", style="Title")
    document.add_paragraph("City: Tartu")
    document.add_paragraph("Country: Estonia")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()



@pytest.mark.parametrize("name, shown", [
    ("../../../outside.docx", "outside.docx"),
    ("<img src=x onerror=alert(1)>.docx", "<img src=x onerror=alert(1)>.docx"),
    ("Сводка безопасности.docx", "Сводка безопасности.docx"),
])
def test_file_names_are_kept_for_the_report_but_never_trusted(upload, client, home, tmp_path, name,
                                                              shown):
    batch = wait(client, batch_id_of(upload(client, [(sample("demo02"), name)])))
    assert [item["file"] for item in batch["files"]] == [shown]
    assert batch["files"][0]["outcome"] == "imported"
    assert not (tmp_path / "outside.docx").exists() and not (home / "outside.docx").exists()
    html = client.get(f"/staff/batches/{batch['id']}").get_data(as_text=True)
    assert "<img" not in html
    doc = lxml.html.fromstring(html)
    assert [cell.text_content() for cell in doc.xpath(
        "//table[contains(@class, 'report')]//th[@scope='row']")] == [shown]


# The hostile files of the peer projects

def corpus_files() -> list[Path]:
    if not (CORPUS / "files").is_dir():
        pytest.skip(f"no robustness corpus at {CORPUS}")
    return sorted(path for path in (CORPUS / "files").rglob("*")
                  if path.is_file() and not path.name.startswith("_LEGAL"))


def test_the_robustness_corpus_in_one_batch(upload, client):
    hostile = corpus_files()
    good = [(sample("demo08"), "graz.pdf"), (sample("demo10"), "geneva.docx")]
    batch_id = batch_id_of(upload(client, [(path, path.name) for path in hostile] + good))
    batch = wait(client, batch_id, page_too=True)
    assert batch["status"] == "done", batch
    assert len(batch["files"]) == len(hostile) + 2
    assert sorted(item["file"] for item in batch["files"]) == sorted(
        [path.name for path in hostile] + ["graz.pdf", "geneva.docx"])
    for item in batch["files"]:
        assert item["outcome"] in OUTCOMES, item
        if item["outcome"] == "rejected":
            assert item["error_kind"] in ERROR_KINDS, item
            assert item["file"] in item["error_message"], item
    files = by_file(batch)
    assert files["graz.pdf"]["outcome"] == files["geneva.docx"]["outcome"] == "imported"
    ids = search_ids(client)
    assert {files["graz.pdf"]["record_id"], files["geneva.docx"]["record_id"]} <= ids
    assert client.get(f"/staff/batches/{batch_id}").status_code == 200
    assert client.get(f"/staff/batches/{batch_id}/report.csv").status_code == 200


# The pages while a batch runs, and a batch whose process died

def test_a_running_batch_shows_its_progress_and_refreshes_without_script(client, app):
    with app.extensions["knowledge_base"].locked() as kb:
        batches = Batches(kb.store)
        batches.create("0123456789ab", "alice", 4)
        batches.started("0123456789ab")
        batches.total("0123456789ab", 10)
        batches.progress("0123456789ab", 3, {"imported": 3})
    html = client.get("/staff/batches/0123456789ab").get_data(as_text=True)
    doc = lxml.html.fromstring(html)
    bar = doc.xpath("//progress")[0]
    assert (bar.get("max"), bar.get("value")) == ("10", "3")
    assert "3 / 10" in bar.text_content()                      # the text alternative
    assert "3 of 10 files done" in doc.xpath("string(//*[@id='progress-text'])")
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', html)
    assert {s.get("src") for s in doc.xpath("//script")} == {"/static/app.js",
                                                            "/static/upload.js"}
    assert all(not (s.text or "").strip() for s in doc.xpath("//script"))
    polled = client.get("/staff/batches/0123456789ab?format=json").get_json()
    assert (polled["status"], polled["done"], polled["total"]) == ("running", 3, 10)
    assert client.get("/staff/batches/0123456789ab/report.csv").status_code == 404


def test_a_batch_left_by_a_dead_worker_says_it_was_interrupted(client, app):
    with app.extensions["knowledge_base"].locked() as kb:
        Batches(kb.store).create("ba7c4ba7c4ba", "alice", 2)
        with kb.store.transaction():
            kb.store.execute("UPDATE upload_batches SET status = 'running', heartbeat = ?",
                             (time.time() - STALE_AFTER - 1,))
    html = client.get("/staff/batches/ba7c4ba7c4ba").get_data(as_text=True)
    assert "Interrupted — upload again to resume: files already imported are skipped." in html
    assert "<noscript>" not in html and "<progress" not in html
    assert client.get("/staff/batches/ba7c4ba7c4ba.json").get_json()["status"] == "interrupted"
    listing = client.get("/staff/batches").get_data(as_text=True)
    assert "/staff/batches/ba7c4ba7c4ba" in listing and "interrupted" in listing


@pytest.mark.parametrize("batch_id", ["nope", "0123456789ab", "../../etc"])
def test_an_unknown_batch_is_a_404(client, batch_id):
    assert client.get(f"/staff/batches/{batch_id}").status_code == 404
    response = client.get(f"/api/batches/{batch_id}")
    assert response.status_code == 404 and response.get_json()["error"]["message"]


# The upload form, the API and the guards

def test_the_upload_form_works_without_script(client):
    response = client.get("/staff/batches")
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    form = doc.xpath("//form[@enctype='multipart/form-data']")[0]
    assert form.get("method") == "post" and form.get("action") == "/staff/batches"
    field = form.xpath(".//input[@type='file']")[0]
    assert field.get("name") == "files" and field.get("multiple") is not None
    # The picker offers every format the importers read (OpenDocument text too), and zips.
    assert {".pdf", ".docx", ".odt", ".zip"} <= set(field.get("accept").split(","))
    assert field.xpath("ancestor::*[contains(@class, 'dropzone')]")
    assert form.xpath(".//input[@name='csrf_token']/@value")
    assert client.get("/staff/batches/new").status_code == 200
    home = client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/batches"' in home and "Upload sheets" in home


def test_the_api_takes_an_upload_with_the_token_in_a_header(upload, token, client):
    csrf = token(client, "/staff/batches")
    response = upload(client, [(sample("demo12"), "tilburg.pdf")], path="/api/batches",
                      headers={"X-CSRFToken": csrf})
    assert response.status_code == 202
    answer = response.get_json()
    assert answer["url"] == f"/api/batches/{answer['id']}" == response.headers["Location"]
    batch = wait(client, answer["id"])
    assert batch["files"][0]["outcome"] == "imported"
    assert client.get(answer["url"]).get_json()["files"] == batch["files"]


def test_an_upload_without_files_says_so(upload, token, client, home):
    for files in ([], [(b"", "")]):
        response = upload(client, files)
        assert response.status_code == 400
        assert "Choose at least one PDF, Word or zip file" in response.get_data(as_text=True)
    api = upload(client, [], path="/api/batches",
                 headers={"X-CSRFToken": token(client, "/staff/batches")})
    assert api.status_code == 400 and "Choose at least one" in api.get_json()["error"]["message"]
    assert not (home / "uploads").exists() or not any((home / "uploads").iterdir())


def test_anonymous_uploads_are_refused(upload, token, app, home):
    anonymous = app.test_client()
    csrf = token(anonymous)
    page = upload(anonymous, [(sample("demo01"), "a.docx")], csrf=False, csrf_token=csrf)
    assert page.status_code == 302 and "/staff/sign-in" in page.location
    api = upload(anonymous, [(sample("demo01"), "a.docx")], path="/api/batches",
                 headers={"X-CSRFToken": csrf})
    assert api.status_code == 401 and api.get_json()["error"]["message"]
    assert anonymous.get("/staff/batches").status_code == 302
    assert not (home / "uploads").exists()


def test_an_upload_without_the_csrf_token_is_refused(upload, client, home):
    response = upload(client, [(sample("demo01"), "a.docx")], csrf=False)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert not (home / "uploads").exists()


def test_an_upload_over_the_size_limit_gets_a_clear_page(upload, sign_in, token, home):
    application = make_app(home, UPLOAD_MAX_MB=0.05)
    try:
        client = application.test_client()
        assert sign_in(client).status_code == 302
        big = (b"%PDF-1.4\n" + b"0" * 80_000, "big.pdf")
        response = upload(client, [big])
        assert response.status_code == 413
        html = response.get_data(as_text=True)
        assert ("The upload is larger than 0.05 MB: send fewer files at once or a smaller zip."
                in html)
        doc = lxml.html.fromstring(html)
        assert doc.xpath("//form//input[@type='file']")          # and the user can try again
        api = upload(client, [big], path="/api/batches",
                     headers={"X-CSRFToken": token(client, "/staff/batches")})
        assert api.status_code == 413
        assert "larger than 0.05 MB" in api.get_json()["error"]["message"]
        assert not (home / "uploads").exists()
        small = upload(client, [(b"tiny", "tiny.pdf")])          # under the limit: accepted
        assert wait(client, batch_id_of(small))["status"] == "done"
    finally:
        close(application)


@pytest.mark.parametrize("sent, name, saved", [
    ("C:\\Users\\eva\\Desktop\\ghent.docx", "ghent.docx", "ghent.docx"),   # old browsers
    # Letters of any script are kept on disk, so the record names the file as sent.
    ("Сводка безопасности.docx", "Сводка безопасности.docx", "Сводка безопасности.docx"),
    ("Sécurité urbaine – Montréal.docx", "Sécurité urbaine – Montréal.docx",
     "Sécurité urbaine – Montréal.docx"),
    ("名前.docx", "名前.docx", "名前.docx"),
    ("a:b*c?.pdf", "a:b*c?.pdf", "a_b_c_.pdf"),
    ("..", "..", "upload"),
    (".hidden.pdf", ".hidden.pdf", "hidden.pdf"),
    ("report.PDF", "report.PDF", "report.PDF"),
])
def test_names_as_given_and_as_saved(sent, name, saved):
    assert _given_name(sent) == name
    assert _safe_name(name) == saved


@pytest.mark.parametrize("name", ["Sécurité urbaine – Montréal.docx", "名前.docx",
                                  "n" * 3000 + ".docx"])
def test_an_uploaded_file_keeps_its_name_in_the_record(upload, client, home, name):
    response = upload(client, [(sample("demo02"), name)])
    assert response.status_code in (200, 202, 302, 303), response.status_code
    batch = wait(client, batch_id_of(response))
    [item] = batch["files"]
    assert item["outcome"] == "imported"
    with KnowledgeBase(home) as kb:
        saved = kb.get(item["record_id"]).record["source"]["filename"]
    if len(name) < 100:
        assert saved == name
    else:                   # cut to what a file system takes, the extension kept
        assert saved.startswith("nnnn") and saved.endswith(".docx")


# A new version of a published sheet (issue 14): staff see it before the public does

def _edited_sheet(minimal_sheet: dict, **fields: str) -> dict:
    """The minimal sheet with sections (by heading, lower case) or "Label: value" lines
    changed."""
    sheet = dict(minimal_sheet)
    sheet["sections"] = [(heading, fields.get(heading.lower(), text))
                         for heading, text in minimal_sheet["sections"]]
    sheet["meta"] = [(label, fields.get(label.lower(), value))
                     for label, value in minimal_sheet["meta"]]
    return sheet


def _apply_form(page: str) -> dict[str, list[str]]:
    """The re-parse form's fields as the browser sends them, ticked boxes as they are."""
    [form] = lxml.html.fromstring(page).xpath("//form[.//input[@name='apply']]")
    sent: dict[str, list[str]] = {}
    for field in form.xpath(".//input"):
        if field.get("type") == "checkbox" and field.get("checked") is None:
            continue
        sent.setdefault(field.get("name"), []).append(field.get("value"))
    return sent


def test_a_new_version_waits_for_review_beside_the_published_sheet(
        upload, client, app, minimal_sheet, sheet_docx):
    first = wait(client, batch_id_of(upload(client, [(sheet_docx(), "ghent.docx")])))
    [published] = first["files"]
    record_id = published["record_id"]
    newer = _edited_sheet(minimal_sheet, activities="Stewards now also patrol the riverbanks.")
    batch = wait(client, batch_id_of(upload(client, [(sheet_docx(newer), "ghent-2025.docx")],
                                            publish=None)))
    [item] = batch["files"]
    assert (item["outcome"], item["record_id"]) == ("draft", record_id)
    assert any("waits beside it for staff review" in warning for warning in item["warnings"])

    # The public, the search and the index still have the published version only.
    public = app.test_client()
    assert public.get("/api/search?q=riverbanks").get_json()["total"] == 0
    assert record_id in {hit["id"] for hit in public.get("/api/search?q=stewards")
                         .get_json()["hits"]}
    page = public.get(f"/sheets/{record_id}").get_data(as_text=True)
    assert "riverbanks" not in page and "walk the bar streets" in page
    kb = app.extensions["knowledge_base"].kb
    assert kb.index.search(SearchRequest(q="riverbanks", status=None)).total == 0
    stored = kb.get(record_id)
    assert (stored.status, stored.version) == ("published", 1)
    assert "riverbanks" not in stored.record["activities"]

    # Staff see it waiting in the queue and on the review page, and take it field by field.
    queue = client.get("/staff/review").get_data(as_text=True)
    assert f'href="/staff/sheets/{record_id}"' in queue
    assert "A new version of this sheet, from ghent-2025.docx" in queue
    review = lxml.html.fromstring(client.get(f"/staff/sheets/{record_id}").get_data(as_text=True))
    [link] = review.xpath("//a[normalize-space()='Review the new version']")
    compare = client.get(link.get("href")).get_data(as_text=True)
    assert "<h1>Review the new version</h1>" in compare and "riverbanks" in compare
    sent = _apply_form(compare)
    assert "activities" in sent["apply"]
    sent["csrf_token"] = [token_of(compare)]
    assert client.post(link.get("href"), data=MultiDict(
        [(name, value) for name, values in sent.items() for value in values])).status_code == 302

    after = kb.get(record_id)
    assert (after.status, after.version, after.pending) == ("published", 2, None)
    assert "riverbanks" in after.record["activities"]
    assert after.record["source"]["filename"] == "ghent-2025.docx"
    assert after.source_sha256 == item["sha256"]
    assert [hit["id"] for hit in public.get("/api/search?q=riverbanks").get_json()["hits"]] \
        == [record_id]
    assert "riverbanks" in public.get(f"/sheets/{record_id}").get_data(as_text=True)
    assert "A new version of this sheet" not in client.get("/staff/review").get_data(
        as_text=True)


def test_a_waiting_version_stays_noted_when_the_sheet_is_marked_reviewed(
        upload, client, app, minimal_sheet, sheet_docx, token):
    [first] = wait(client, batch_id_of(upload(client, [(sheet_docx(), "ghent.docx")])))["files"]
    newer = _edited_sheet(minimal_sheet, evaluation="Complaints fell by half in three years.")
    wait(client, batch_id_of(upload(client, [(sheet_docx(newer), "ghent-2.docx")],
                                    publish=None)))
    record_id = first["record_id"]
    assert client.post(f"/staff/sheets/{record_id}/reviewed",
                       data={"csrf_token": token(client, "/staff/")}).status_code == 302
    queue = client.get("/staff/review").get_data(as_text=True)
    assert f'href="/staff/sheets/{record_id}"' in queue
    assert "A new version of this sheet, from ghent-2.docx" in queue


def test_a_new_version_with_a_broken_field_is_never_published(
        upload, client, app, minimal_sheet, sheet_docx):
    [first] = wait(client, batch_id_of(upload(client, [(sheet_docx(), "ghent.docx")])))["files"]
    # Published at once was asked, but the e-mail was cut at a line break.
    cut = _edited_sheet(minimal_sheet, contact="Eva Claes – eva.claes@gent.exampl")
    [item] = wait(client, batch_id_of(upload(client, [(sheet_docx(cut), "ghent-cut.docx")])))[
        "files"]
    record_id = first["record_id"]
    assert item["outcome"] == "draft"
    assert any("ends in .exampl, which is not a top-level domain" in warning
               for warning in item["warnings"])
    public = app.test_client()
    assert not re.search(r"gent\.exampl\b", public.get(f"/sheets/{record_id}").get_data(
        as_text=True))
    compare = client.get(f"/staff/sheets/{record_id}/reparse").get_data(as_text=True)
    sent = _apply_form(compare)
    assert "contact.email" in sent["apply"]
    sent["csrf_token"] = [token_of(compare)]
    refused = client.post(f"/staff/sheets/{record_id}/reparse", data=MultiDict(
        [(name, value) for name, values in sent.items() for value in values]))
    assert refused.status_code == 422
    assert "eva.claes@gent.exampl ends in .exampl" in refused.get_data(as_text=True)
    kb = app.extensions["knowledge_base"].kb
    assert kb.get(record_id).record["contact"]["email"] == "eva.claes@gent.example.be"
    assert kb.get(record_id).pending is not None


def test_a_waiting_version_with_nothing_ticked_is_set_aside(upload, client, app, minimal_sheet,
                                                            sheet_docx):
    [first] = wait(client, batch_id_of(upload(client, [(sheet_docx(), "ghent.docx")])))["files"]
    newer = _edited_sheet(minimal_sheet, evaluation="Complaints fell by half in three years.")
    wait(client, batch_id_of(upload(client, [(sheet_docx(newer), "ghent-2.docx")],
                                    publish=None)))
    record_id = first["record_id"]
    compare = client.get(f"/staff/sheets/{record_id}/reparse").get_data(as_text=True)
    sent = _apply_form(compare)
    sent.pop("apply")                                   # staff untick every field
    sent["csrf_token"] = [token_of(compare)]
    answer = client.post(f"/staff/sheets/{record_id}/reparse", data=MultiDict(
        [(name, value) for name, values in sent.items() for value in values]),
        follow_redirects=True)
    assert "the new version was set aside" in answer.get_data(as_text=True)
    kb = app.extensions["knowledge_base"].kb
    after = kb.get(record_id)
    assert (after.pending, after.version) == (None, 1)
    assert "fell by a third" in after.record["evaluation"]
    assert "A new version of this sheet" not in client.get("/staff/review").get_data(
        as_text=True)
    assert "Review the new version" not in client.get(f"/staff/sheets/{record_id}").get_data(
        as_text=True)
