"""`python -m csp_data hash-password`: the hash of a password read from a prompt or stdin, never argv."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from csp_data.auth import verify_password
from csp_data.cli import main


def test_stdin_prints_a_hash_that_verifies(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("pa55 word\n"))
    assert main(["hash-password", "--stdin"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("$argon2id$")
    assert "pa55" not in out
    assert verify_password(out, "pa55 word")  # the trailing newline is not part of the password
    assert not verify_password(out, "pa55 word\n")


def test_prompt_asks_twice(monkeypatch, capsys):
    answers = iter(["s3cret", "s3cret"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["hash-password"]) == 0
    assert verify_password(capsys.readouterr().out.strip(), "s3cret")


def test_prompt_mismatch_and_empty_are_refused(monkeypatch, capsys):
    answers = iter(["one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["hash-password"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "differ" in captured.err
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert main(["hash-password", "--stdin"]) == 1
    assert "empty password" in capsys.readouterr().err


def test_password_on_the_command_line_is_not_accepted(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["hash-password", "hunter2"])
    assert exc.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_runs_as_a_module():
    done = subprocess.run(
        [sys.executable, "-m", "csp_data", "hash-password", "--stdin"], input="x y z\n", capture_output=True,
        text=True, check=True,
    )
    assert verify_password(done.stdout.strip(), "x y z")
