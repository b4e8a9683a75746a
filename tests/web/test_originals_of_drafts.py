"""Originals and caches (issue 15, item 13): a public original is asked again each time, so
once its sheet goes back to draft no cache serves it; a draft's original reaches only
signed-in staff, and nothing keeps a copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.service.importing import ImportOptions, import_paths
from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import Users

SHEET = "demo01-night-safe-haven-bristol.docx"


@pytest.fixture
def home(tmp_path: Path, demo_files: Path, password: str) -> Path:
    """One published demo sheet and a staff account."""
    folder = tmp_path / "files"
    folder.mkdir()
    shutil.copy(demo_files / SHEET, folder)
    home = tmp_path / "kb"
    with KnowledgeBase(home) as kb:
        report = import_paths(kb, [folder], ImportOptions(workers=1))
        assert [item.outcome for item in report.files] == ["imported"], report
        Users(kb.store).add("alice", password)
    return home


@pytest.fixture
def sheet_id(app) -> str:
    [item] = list(app.extensions["knowledge_base"].kb.store.records())
    assert item.status == "published"
    return item.id


def download(client, path: str):
    with client.get(path) as response:
        response.get_data()
        return response


def test_a_sheet_sent_back_to_draft_takes_its_original_from_the_public(
        app, client, sign_in, token, sheet_id):
    public = download(client, f"/sheets/{sheet_id}/original")
    assert public.status_code == 200
    assert public.headers["Cache-Control"] == "no-cache"      # a cache asks again each time
    assert SHEET in public.headers["Content-Disposition"]

    staff = app.test_client()
    assert sign_in(staff).status_code == 302
    sent_back = staff.post(f"/staff/sheets/{sheet_id}/unpublish",
                           data={"csrf_token": token(staff, f"/staff/sheets/{sheet_id}")})
    assert sent_back.status_code == 302

    # The question a cache asks again now finds nothing.
    assert download(client, f"/sheets/{sheet_id}/original").status_code == 404
    assert download(client, f"/sheets/{sheet_id}").status_code == 404

    # Staff still get the draft's original, marked for no cache to keep.
    private = download(staff, f"/staff/sheets/{sheet_id}/original")
    assert private.status_code == 200 and SHEET in private.headers["Content-Disposition"]
    assert private.headers["Cache-Control"] == "private, no-store"
    # And anonymous visitors do not, by the staff address either.
    anonymous = download(client, f"/staff/sheets/{sheet_id}/original")
    assert anonymous.status_code == 302 and "sign-in" in anonymous.headers["Location"]
