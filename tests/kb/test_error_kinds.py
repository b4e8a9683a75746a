"""One error module: every error class in kb.core.errors, each kind once, and the API's one
JSON error body."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kb.core import errors
from web.app import create_app



def error_classes() -> list[type[errors.KbError]]:
    found, todo = [], [errors.KbError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__ == "kb.core.errors"]


def test_no_two_error_classes_share_a_kind():
    kinds = [cls.kind for cls in error_classes()]
    assert len(kinds) == len(set(kinds)) and sorted(kinds) == sorted(errors.ALL_KINDS)


def test_import_error_kinds_are_derived_from_the_classes():
    assert set(errors.ERROR_KINDS) == {cls.kind for cls in error_classes()
                                       if issubclass(cls, errors.ImportFailure)
                                       and cls is not errors.ImportFailure}
    # The kinds users see in `kb parse` and import reports (README's table).
    assert set(errors.ERROR_KINDS) == {"unsupported-format", "unreadable", "encrypted", "no-text",
                                       "not-a-sheet", "invalid", "too-large", "timeout",
                                       "unsafe-archive"}


def test_every_error_class_of_the_product_lives_in_the_error_module(project_root):
    elsewhere = []
    for package in ("kb", "importers", "index", "web"):
        for path in (project_root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and any(
                        getattr(base, "id", "") in {"KbError", "Exception"} or
                        getattr(base, "id", "").endswith(("Error", "Failure"))
                        for base in node.bases):
                    elsewhere.append(f"{path.relative_to(project_root)}:{node.name}")
    assert [place for place in elsewhere if not place.startswith("kb/core/errors.py")] == []


@pytest.fixture
def client(tmp_path: Path):
    app = create_app({"KB_HOME": str(tmp_path / "home"), "SECRET_KEY": "test",
                      "WTF_CSRF_ENABLED": False})
    return app.test_client()


@pytest.mark.parametrize("method, url, status, field", [
    ("get", "/api/search?budget_min=abc", 400, "budget_min"),
    ("get", "/api/sheets/no-such-sheet", 404, None),
    ("get", "/api/no-such-route", 404, None),
    ("post", "/api/search", 405, None),
    ("put", "/api/sheets/any", 401, None),
])
def test_every_api_error_has_the_one_body(client, method, url, status, field):
    answer = getattr(client, method)(url, json={} if method == "put" else None)
    assert answer.status_code == status
    error = answer.get_json()["error"]
    assert error["code"] == status and error["status"] and error["message"]
    assert error.get("field") == field
    assert set(error) <= {"code", "status", "message", "field", "fields"}
