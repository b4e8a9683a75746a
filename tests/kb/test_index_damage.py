"""A truncated index file (issue 15, item 10): commands say to run `kb reindex` instead of a
raw struct or pickle error, `kb check --repair` and `kb reindex` rebuild it from the store,
and `kb serve` rebuilds it before serving."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import writing
from kb.service.knowledge_base import KnowledgeBase

# Whoosh, failing to read a truncated file, leaves that file to the garbage collector to close.
pytestmark = [pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def truncate(home: Path, pattern: str) -> None:
    folder, _ = writing.current(home / "index")
    [path] = sorted(folder.glob(pattern))[:1]
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.fixture(params=["_MAIN_*.toc", "MAIN_*.seg"], ids=["table of contents", "segment"])
def damaged(request, fill, kb: KnowledgeBase, home: Path) -> list[str]:
    ids = fill(kb, 3)
    kb.close()
    truncate(home, request.param)
    return ids


@pytest.mark.parametrize("command", [["search", "stewards"], ["stats"], ["check"]])
def test_commands_on_a_truncated_index_say_run_kb_reindex(damaged, invoke, home, command):
    result = invoke(home, *command)
    assert result.exit_code == 1, result.output
    assert "cannot be read" in result.output and "kb reindex" in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("repair", [["check", "--repair"], ["reindex"]])
def test_repair_or_reindex_rebuilds_a_truncated_index(damaged, invoke, search_ids, home,
                                                      repair):
    result = invoke(home, *repair)
    assert result.exit_code == 0, result.output
    with KnowledgeBase(home) as kb:
        assert search_ids(kb, "stewards") == sorted(damaged)
        assert kb.check().consistent


def test_kb_serve_rebuilds_a_truncated_index_before_serving(damaged, invoke, search_ids, home,
                                                            monkeypatch):
    from kb.cli import server
    served = []
    monkeypatch.setattr(server, "run", lambda *args: served.append(args))
    result = invoke(home, "serve", "--port", "0")
    assert result.exit_code == 0, result.output
    assert "cannot be read" in result.output and "rebuilding it from the store" in result.output
    assert served
    with KnowledgeBase(home) as kb:
        assert search_ids(kb, "stewards") == sorted(damaged)
