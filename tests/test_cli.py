"""`kb parse`: JSON lines or text, exit status 0 only when every file parsed."""

import json

from click.testing import CliRunner

from kb.cli import main


def test_parse_json_lines(sheet_file, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n garbage")
    result = CliRunner().invoke(main, ["parse", str(sheet_file), str(broken), "--workers", "1"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["ok"] for line in lines] == [True, False]
    assert lines[0]["record"]["city"] == "Ghent"
    assert lines[1]["error"]["kind"] == "unreadable"
    assert "broken.pdf" in lines[1]["error"]["message"]


def test_parse_folder_text_format(sheet_file):
    result = CliRunner().invoke(main, ["parse", "--format", "text", str(sheet_file.parent)])
    assert result.exit_code == 0, result.output
    assert "✓ ghent-stewards.docx: Night stewards in the old town" in result.output
    assert "1 file(s): 1 parsed, 0 failed." in result.output


def test_empty_folder_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["parse", str(tmp_path)])
    assert result.exit_code == 1
    assert "No PDF or Word files found" in result.output
    assert "Traceback" not in result.output
