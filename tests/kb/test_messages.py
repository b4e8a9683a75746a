"""Errors and import warnings as data: a code, parameters and the English wording, worded in
the user's language at the edge, kept as data where they are stored."""

from __future__ import annotations

import ast
import json
import pickle
import sqlite3
from pathlib import Path

import pytest

from importers.parse import parse_bytes, parse_file
from importers.report import FileOutcome, ImportReport
from kb.core.errors import InvalidRecord, UnsupportedFormat
from kb.core.messages import (MESSAGES, Message, as_data, field_label, from_data, say,
                              worded)
from kb.service.batches import load_report
from kb.service.knowledge_base import KnowledgeBase

PRODUCT = ("kb", "importers", "index", "web")


def _said_codes(root: Path) -> dict[str, str]:
    """Every literal code passed to say() in the product packages, with where it is."""
    found = {}
    for package in PRODUCT:
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say"):
                    args = [node.args[0]] if node.args else []
                    if isinstance(node.args[0], ast.IfExp):     # say("a" if x else "b")
                        args = [node.args[0].body, node.args[0].orelse]
                    for arg in args:
                        # A literal code, so this test sees every one.
                        assert isinstance(arg, ast.Constant), f"{path}:{node.lineno}"
                        found[arg.value] = f"{path.relative_to(root)}:{node.lineno}"
    return found


def test_every_code_said_is_in_the_table_and_every_code_of_the_table_is_said(project_root):
    said = _said_codes(project_root)
    unknown = {code: where for code, where in said.items() if code not in MESSAGES}
    assert not unknown
    labels = {code for code in MESSAGES if code.startswith("field-") and
              code.removeprefix("field-") in ("title", "context", "objectives", "activities",
                                              "language", "start_year", "end_year")}
    assert set(MESSAGES) - set(said) - labels == set()


def test_a_message_is_its_english_sentence_and_remembers_code_and_parameters():
    message = say("country-unknown", country="'Narnia'")
    assert message == "Country 'Narnia' is not a known country name; set it by hand."
    assert message.code == "country-unknown" and message.params == {"country": "'Narnia'"}
    assert isinstance(message, str) and json.dumps([message]) == json.dumps([str(message)])


def test_worded_translates_the_sentence_and_its_nested_parts():
    problems = [say("field-missing", field=field_label("objectives")),
                say("field-missing", field=field_label("activities"))]
    message = say("incomplete-sheet", name="a.docx", problems=problems)
    assert message == ("a.docx is not a complete practice sheet: Objectives is missing. "
                       "Activities is missing.")
    french = {MESSAGES["incomplete-sheet"]: "%(name)s est incomplète : %(problems)s",
              MESSAGES["field-missing"]: "%(field)s manque.",
              "Objectives": "Objectifs", "Activities": "Activités"}
    assert worded(message, lambda text: french.get(text, text)) == (
        "a.docx est incomplète : Objectifs manque. Activités manque.")
    assert worded("Plain English from an old version.", str.upper) == (
        "Plain English from an old version.")


def test_a_translation_with_wrong_placeholders_falls_back_to_english():
    message = say("near-duplicate", other="abc")
    assert worded(message, lambda text: "Doublon de %(autre)s") == str(message)


def test_data_round_trip_keeps_codes_parameters_and_nesting():
    message = say("incomplete-sheet", name="b.pdf",
                  problems=[say("field-empty", field=field_label("title"))])
    back = from_data(json.loads(json.dumps(as_data(message))))
    assert back == message and back.code == "incomplete-sheet"
    assert back.params["problems"][0].code == "field-empty"
    assert back.params["problems"][0].params["field"].code == "field-title"
    assert from_data("An English warning stored by an older version.") == (
        "An English warning stored by an older version.")


def test_stored_messages_are_worded_by_todays_table():
    stored = {"code": "budget-missing", "msgid": "No budget was found (old wording).",
              "params": {}}
    assert from_data(stored) == MESSAGES["budget-missing"]
    unknown = {"code": "gone-code", "msgid": "An old message about %(name)s.",
               "params": {"name": "x.pdf"}}
    assert from_data(unknown) == "An old message about x.pdf."


def test_messages_and_import_errors_cross_process_boundaries():
    message = say("pdf-scanned", name="scan.pdf")
    back = pickle.loads(pickle.dumps(message))
    assert back == message and back.code == "pdf-scanned"
    error = pickle.loads(pickle.dumps(UnsupportedFormat(say("rtf", name="x.rtf"))))
    assert error.code == "rtf" and error.kind == "unsupported-format"


def test_parse_errors_and_warnings_carry_codes(tmp_path, sheet_file):
    result = parse_file(sheet_file)
    assert result.ok
    assert [w.code for w in result.warnings] == result.as_json().get("warning_codes", [])
    rtf = tmp_path / "sheet.rtf"
    rtf.write_bytes(b"{\\rtf1 hello}")
    refused = parse_file(rtf)
    assert refused.error.code == "rtf" and refused.as_json()["error"]["code"] == "rtf"
    assert refused.error.message.startswith("sheet.rtf is a Rich Text (RTF) file")


def test_an_incomplete_sheet_names_each_missing_field_as_a_message(sheet_file):
    import docx
    document = docx.Document(str(sheet_file))
    for paragraph in document.paragraphs:
        if paragraph.text in ("Objectives", "Activities"):
            paragraph.text = "Notes"
    path = sheet_file.with_name("incomplete.docx")
    document.save(str(path))
    with pytest.raises(InvalidRecord) as caught:
        parse_bytes(path.read_bytes(), path.name)
    message = caught.value.message
    assert message.code == "incomplete-sheet" and caught.value.code == "incomplete-sheet"
    assert {problem.code for problem in message.params["problems"]} == {"field-missing"}
    assert "Objectives is missing." in message


def test_record_warnings_are_stored_as_data_and_old_text_still_reads(tmp_path, sheet_file):
    home = tmp_path / "kb"
    record, _ = parse_bytes(sheet_file.read_bytes(), sheet_file.name)
    with KnowledgeBase(home) as kb:
        saved = kb.save(record.to_dict(), "published",
                        warnings=[say("near-duplicate", other="x1"), "An old English warning."])
        stored = kb.store.get(saved.id).warnings
    assert stored[0].code == "near-duplicate" and stored[0].params == {"other": "x1"}
    assert stored[1] == "An old English warning." and not isinstance(stored[1], Message)
    with sqlite3.connect(home / "kb.sqlite3") as db:
        column = json.loads(db.execute("SELECT warnings FROM records").fetchone()[0])
    assert column[0]["code"] == "near-duplicate" and column[1] == "An old English warning."


def test_a_report_keeps_english_text_and_the_messages_as_data(tmp_path):
    outcome = FileOutcome("a.rtf", "rejected", error_kind="unsupported-format",
                          error_message=say("rtf", name="a.rtf"),
                          warnings=[say("country-missing")])
    path = tmp_path / "report.json"
    ImportReport(files=[outcome]).write(path)
    line = json.loads(path.read_text(encoding="utf-8"))["files"][0]
    assert line["error_message"].startswith("a.rtf is a Rich Text (RTF) file")
    assert line["warnings"] == ["The sheet names no country."]
    assert line["error_data"]["code"] == "rtf" and line["warnings_data"][0]["code"] == (
        "country-missing")
    back = load_report(path).files[0]
    assert back.error_message.code == "rtf" and back.warnings[0].code == "country-missing"
    old = {"file": "b.pdf", "outcome": "rejected", "error_kind": "unreadable",
           "error_message": "Old English text.", "warnings": ["Old warning."]}
    path.write_text(json.dumps({"files": [old], "ignored": [], "dry_run": False}))
    assert load_report(path).files[0].error_message == "Old English text."
