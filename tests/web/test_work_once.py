"""Work done once: a sheet page reads its record from the store once."""

from __future__ import annotations

from pathlib import Path

from kb.service import importing
from kb.service.knowledge_base import KnowledgeBase
from kb.service.store import Store
from web.app import create_app


def test_the_sheet_page_reads_its_record_once(tmp_path: Path, sheet_file, monkeypatch):
    home = tmp_path / "home"
    with KnowledgeBase(home) as kb:
        importing.import_paths(kb, [sheet_file])
        record_id = next(iter(kb.store.records())).id
    client = create_app({"KB_HOME": str(home), "SECRET_KEY": "test"}).test_client()
    reads: list[str] = []
    get, get_many = Store.get, Store.get_many

    def counted_get(self, rid):
        reads.append(rid)
        return get(self, rid)

    def counted_get_many(self, rids):
        reads.extend(rid for rid in rids if rid == record_id)
        return get_many(self, rids)

    monkeypatch.setattr(Store, "get", counted_get)
    monkeypatch.setattr(Store, "get_many", counted_get_many)
    page = client.get(f"/sheets/{record_id}")
    assert page.status_code == 200 and "Night stewards" in page.get_data(as_text=True)
    assert reads == [record_id]


def test_opening_a_review_page_again_does_not_parse_its_original_again(tmp_path: Path,
                                                                       sheet_file, monkeypatch):
    from kb.service import review
    from kb.service.users import Users

    home = tmp_path / "home"
    with KnowledgeBase(home) as kb:
        importing.import_paths(kb, [sheet_file])
        record_id = next(iter(kb.store.records())).id
        Users(kb.store).add("reviewer", "a long enough password")
    app = create_app({"KB_HOME": str(home), "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert client.post("/staff/sign-in", data={"name": "reviewer",
                                               "password": "a long enough password"}
                       ).status_code == 302
    started: list[int] = []
    iter_results = review.iter_results

    def counted(paths, *args, **kwargs):
        paths = list(paths)
        started.append(len(paths))
        return iter_results(paths, *args, **kwargs)

    monkeypatch.setattr(review, "iter_results", counted)
    for _ in range(3):
        page = client.get(f"/staff/sheets/{record_id}")
        assert page.status_code == 200 and "Night stewards" in page.get_data(as_text=True)
    # One worker run reads the original; the two later pages use its reading.
    assert started == [1, 0, 0]
