"""The review page beside the original: a PDF's pages drawn as PNG (staff only, the sheet's
own pages, a bounded number, drawn once), a Word file's text in its layout, and the place each
field was read marked on both."""

from __future__ import annotations

import re
import shutil
import struct
import zlib

import pytest

import kb.service.pages as pages
from kb.service.importing import ImportOptions, import_paths
from kb.service.knowledge_base import KnowledgeBase
from kb.service.pages import MAX_PAGES, WIDTH, PageRange
from kb.service.users import Users
from tests.importers.test_booklets import platypus_booklet


@pytest.fixture(scope="module")
def template(demo_files, password, tmp_path_factory):
    """The 12 demo sheets (six PDF, six Word) and a four-sheet PDF booklet, a staff user."""
    home = tmp_path_factory.mktemp("pages") / "kb"
    folder = tmp_path_factory.mktemp("pages-files")
    for path in demo_files.iterdir():
        shutil.copy(path, folder)
    (folder / "compendium.pdf").write_bytes(platypus_booklet())
    with KnowledgeBase(home) as kb:
        report = import_paths(kb, [folder], ImportOptions(workers=1))
        assert sum(1 for item in report.files if item.record_id) == 16, report
        Users(kb.store).add("alice", password)
    return home


@pytest.fixture
def home(template, tmp_path):
    copy = tmp_path / "kb"
    shutil.copytree(template, copy)
    return copy


@pytest.fixture
def staff(sign_in, client):
    assert sign_in(client).status_code == 302
    return client


def stored(app, filename: str, part: int | None = None):
    kb = app.extensions["knowledge_base"].kb
    [found] = [item for item in kb.store.records()
               if item.record["source"]["filename"] == filename
               and item.record["source"].get("part") == part]
    return found


def png_size_and_ink(data: bytes) -> tuple[int, int, float]:
    """Width, height and the share of non-white bytes of an 8-bit PNG (no filters used)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, position = [], 8
    while position < len(data):
        length = struct.unpack(">I", data[position:position + 4])[0]
        kind = data[position + 4:position + 8]
        if kind == b"IDAT":
            chunks.append(data[position + 8:position + 8 + length])
        position += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    return width, height, sum(1 for byte in raw[::97] if byte < 200) / len(raw[::97])


def page_links(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]*/pages/\d+\.png[^"]*)"', html)


def test_a_pdf_sheet_shows_each_page_drawn_beside_the_fields(app, staff):
    item = stored(app, "demo03-prevention-radicalismes-charleroi.pdf")
    html = staff.get(f"/staff/sheets/{item.id}").get_data(as_text=True)
    links = page_links(html)
    assert [re.search(r"/pages/(\d+)", link).group(1) for link in links] == \
        [str(n) for n in range(1, item.record["source"]["pages"] + 1)]
    for link in links:
        response = staff.get(link.replace("&amp;", "&"))
        assert response.status_code == 200 and response.mimetype == "image/png"
        width, height, ink = png_size_and_ink(response.data)
        assert width == WIDTH and 1.2 * WIDTH < height < 1.5 * WIDTH      # an A4 page
        assert 0.005 < ink < 0.5, ink                                      # text, not blank
        assert "private" in response.headers["Cache-Control"]


def test_the_page_of_each_field_is_marked_on_both_sides(app, staff):
    item = stored(app, "demo03-prevention-radicalismes-charleroi.pdf")
    html = staff.get(f"/staff/sheets/{item.id}").get_data(as_text=True)
    title_row = re.search(r'<tr id="field-title".*?</tr>', html, re.S).group(0)
    assert 'href="#page-1"' in title_row
    page_one = re.search(r'<figure class="original-page" id="page-1">.*?</figure>', html,
                         re.S).group(0)
    assert 'href="#field-title"' in page_one and 'href="#field-context"' in page_one
    evaluation = re.search(r'<tr id="field-evaluation".*?</tr>', html, re.S).group(0)
    assert 'href="#page-2"' in evaluation          # the evaluation is on the second page


def test_drawn_pages_are_for_staff_only(app, client):
    item = stored(app, "demo03-prevention-radicalismes-charleroi.pdf")
    response = client.get(f"/staff/sheets/{item.id}/pages/1.png")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("number", [0, 3, 99])
def test_a_page_outside_the_sheet_is_not_found(app, staff, number):
    item = stored(app, "demo03-prevention-radicalismes-charleroi.pdf")
    response = staff.get(f"/staff/sheets/{item.id}/pages/{number}.png")
    assert response.status_code == 404
    assert f"has no drawn page {number}" in response.get_data(as_text=True)


def test_pages_are_drawn_once_in_one_worker_run(app, staff, monkeypatch):
    calls = []
    draw = pages._draw
    monkeypatch.setattr(pages, "_draw", lambda *args: calls.append(args) or draw(*args))
    item = stored(app, "demo05-puntos-violeta-bilbao.pdf")
    first = [staff.get(f"/staff/sheets/{item.id}/pages/{n}.png").data for n in (1, 2, 1)]
    assert len(calls) == 1 and first[0] == first[2] and first[0] != first[1]


def test_a_booklet_sheet_shows_only_its_own_pages(app, staff):
    second = stored(app, "compendium.pdf", part=2)
    source = second.record["source"]
    assert (source["first_page"], source["last_page"]) == (2, 2)
    html = staff.get(f"/staff/sheets/{second.id}").get_data(as_text=True)
    assert [re.search(r"/pages/(\d+)", link).group(1) for link in page_links(html)] == ["2"]
    assert "pages 2 to 2 of the file" in html
    assert staff.get(f"/staff/sheets/{second.id}/pages/1.png").status_code == 404
    drawn = staff.get(f"/staff/sheets/{second.id}/pages/2.png").data
    other = stored(app, "compendium.pdf", part=1)
    assert drawn != staff.get(f"/staff/sheets/{other.id}/pages/1.png").data
    # Its title is found on its own page, not on the first sheet's.
    title_row = re.search(r'<tr id="field-title".*?</tr>', html, re.S).group(0)
    assert 'href="#page-2"' in title_row


def test_the_page_limit_leaves_the_rest_to_the_download(app, staff):
    kb = app.extensions["knowledge_base"].kb
    item = stored(app, "demo03-prevention-radicalismes-charleroi.pdf")
    record = {**item.record, "source": {**item.record["source"], "pages": 40}}
    kb.save(record, item.status, record_id=item.id, source_sha256=item.source_sha256)
    assert PageRange(1, 40).drawn == range(1, MAX_PAGES + 1)
    html = staff.get(f"/staff/sheets/{item.id}").get_data(as_text=True)
    assert len(page_links(html)) == MAX_PAGES
    assert f"{40 - MAX_PAGES} more pages are not shown" in html
    assert staff.get(f"/staff/sheets/{item.id}/pages/{MAX_PAGES + 1}.png").status_code == 404


def test_a_damaged_original_says_so_instead_of_an_image(app, staff):
    kb = app.extensions["knowledge_base"].kb
    item = stored(app, "demo08-nachtsport-graz.pdf")
    path = kb.archive.path(item.source_sha256)
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.4\nnot really a PDF at all\n")
    response = staff.get(f"/staff/sheets/{item.id}/pages/1.png")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "demo08-nachtsport-graz.pdf is damaged and cannot be read as a PDF" in text, text
    assert "Traceback" not in text


def test_a_word_sheet_shows_its_text_in_its_layout_with_fields_marked(app, staff):
    item = stored(app, "demo04-agente-tutor-zaragoza.docx")
    html = staff.get(f"/staff/sheets/{item.id}").get_data(as_text=True)
    assert not page_links(html)
    layout = re.search(r'<div class="original-layout".*?</aside>', html, re.S).group(0)
    assert "Contexto: A comienzos de la década de 2010" in layout
    marked = re.findall(r'class="marked[^"]*">\s*<span class="field-marks"[^>]*>(.*?)</span>',
                        layout, re.S)
    names = " ".join(marked)
    for name in ("title", "context", "objectives", "budget.text", "contact.email"):
        assert f'href="#field-{name}"' in names, name
