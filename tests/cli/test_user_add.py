"""`kb user add --password-stdin`: a script gives the password on a pipe, with no prompt and
no warning that a pipe cannot hide what is typed (issue 14)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kb.service.knowledge_base import KnowledgeBase
from kb.service.users import Users

PASSWORD = "correct horse battery staple"


def kb_user_add(home: Path, *args: str, stdin: str) -> subprocess.CompletedProcess:
    # A real pipe and no terminal, as in a provisioning script.
    return subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), "user", "add",
                           *args], input=stdin, capture_output=True, text=True, timeout=60,
                          start_new_session=True)


def test_a_piped_password_makes_the_account_without_a_warning(home: Path):
    done = kb_user_add(home, "bob", "--password-stdin", stdin=f"{PASSWORD}\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Staff account 'bob' added.\n"
    assert done.stderr == ""                   # no GetPassWarning, no prompt
    with KnowledgeBase(home) as kb:
        assert Users(kb.store).verify("bob", PASSWORD)
        assert not Users(kb.store).verify("bob", PASSWORD + "\n")


def test_only_the_first_line_is_the_password_and_spaces_are_kept(home: Path):
    done = kb_user_add(home, "eve", "--password-stdin", stdin=f"  {PASSWORD} \r\nsecond line\n")
    assert done.returncode == 0, done.stderr
    with KnowledgeBase(home) as kb:
        assert Users(kb.store).verify("eve", f"  {PASSWORD} ")


def test_no_password_on_stdin_is_a_clear_error(home: Path):
    done = kb_user_add(home, "bob", "--password-stdin", stdin="")
    assert done.returncode == 1
    assert "No password on standard input" in done.stderr and "Traceback" not in done.stderr
    short = kb_user_add(home, "bob", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "too short" in short.stderr


def test_password_and_password_stdin_together_are_a_usage_error(home: Path):
    done = kb_user_add(home, "bob", "--password", PASSWORD, "--password-stdin", stdin=PASSWORD)
    assert done.returncode == 2 and "not both" in done.stderr
    with KnowledgeBase(home) as kb:
        assert not Users(kb.store).exists("bob")
