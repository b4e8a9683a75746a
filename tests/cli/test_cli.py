"""`kb parse`: JSON lines or text, exit status 0 only when every file parsed."""

import json

from click.testing import CliRunner

from kb.cli.main import main


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


def test_damaged_pdf_notices_stay_quiet_unless_verbose(tmp_path, demo_files):
    demo = sorted(demo_files.glob("*.pdf"))[0]
    data = demo.read_bytes()
    # Point startxref at the wrong offset: pypdf recovers, logging notices as it goes.
    head, _, tail = data.rpartition(b"startxref")
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(head + b"startxref\n12\n%%EOF\n")
    quiet = CliRunner().invoke(main, ["parse", str(damaged), "--workers", "1"])
    verbose = CliRunner().invoke(main, ["-v", "parse", str(damaged), "--workers", "1"])
    assert json.loads(quiet.stdout.splitlines()[0])["ok"] is True
    assert "pypdf" not in quiet.stderr
    assert "pypdf" in verbose.stderr
