"""The README's test command is what CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = ".venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest -q"
    assert command in readme and command in ci


def test_the_files_the_readme_and_ci_name_exist():
    """Moving a module or a test leaves no stale path in the documentation."""
    named = set()
    for doc in ("README.md", ".ci/run", "bench/README.md"):
        text = (ROOT / doc).read_text()
        named |= set(re.findall(r"\b((?:kb|importers|index|web|tests|bench)/[\w/]+\.py)\b", text))
    assert named, "the pattern finds the paths the documents name"
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert not missing, missing
