"""`kb import --report` writes its report even when there was nothing to import (issue 13):
a script that reads the report after each batch must find one for an empty zip too."""

from __future__ import annotations

import json
import zipfile

from click.testing import CliRunner

from kb.cli.main import main


def test_an_empty_zip_still_gets_its_report(tmp_path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w"):
        pass
    report = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "kb"), "import", str(archive),
                                       "--report", str(report)])
    assert result.exit_code == 1
    assert "No PDF, Word or zip files found" in result.output
    assert "Traceback" not in result.output
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["files"] == []
