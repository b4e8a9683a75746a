"""Web uploads with a name too long for a file system (3,000 characters): imported under a
shortened name, the batch's outcome says so, never a 5xx (issue 15, item 11)."""

from __future__ import annotations

import pytest

from kb.service.importing import MAX_NAME_BYTES
from kb.service.knowledge_base import KnowledgeBase
# The upload fixtures (a signed-in staff client posting files) of the upload tests.
from tests.web.test_staff_upload import (app, batch_id_of, client, home, sample,  # noqa: F401
                                         upload, wait, zip_of)

LONG = "Sécurité urbaine " + "n" * 3000 + ".docx"


def shortened_warning(item: dict) -> dict:
    [warning] = [data for data in item["warnings_data"] if data["code"] == "name-shortened"]
    return warning


@pytest.mark.parametrize("as_zip", [False, True], ids=["file", "zip member"])
def test_a_long_upload_name_is_imported_shortened_and_the_outcome_says_so(
        upload, client, home, as_zip):
    content = sample("demo02").read_bytes()
    files = ([(zip_of({LONG: content}), "sheets.zip")] if as_zip else [(content, LONG)])
    response = upload(client, files)
    assert response.status_code < 500
    batch = wait(client, batch_id_of(response))
    [item] = batch["files"]
    assert item["outcome"] == "imported", item
    assert item["file"] == ("sheets.zip!/" + LONG if as_zip else LONG)
    warning = shortened_warning(item)
    kept = warning["params"]["name"]
    assert warning["params"]["length"] == len(LONG)
    assert kept.startswith("Sécurité urbaine nnn") and kept.endswith(".docx")
    assert len(kept.encode()) <= MAX_NAME_BYTES
    with KnowledgeBase(home) as kb:
        assert kb.get(item["record_id"]).record["source"]["filename"] == kept
    page = client.get(f"/staff/batches/{batch['id']}").get_data(as_text=True)
    assert f"{len(LONG):,}" in page or str(len(LONG)) in page
    assert "too long to store" in page


def test_a_name_that_fits_says_nothing_of_shortening(upload, client):
    response = upload(client, [(sample("demo02"), "Sécurité urbaine – Montréal.docx")])
    [item] = wait(client, batch_id_of(response))["files"]
    assert item["outcome"] == "imported"
    assert not any(data["code"] == "name-shortened" for data in item["warnings_data"])
