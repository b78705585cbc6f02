"""ui.auth.settings: no secrets is an open app; an unreadable secrets file or a broken [auth] fails closed."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit import config
from streamlit.runtime.secrets import Secrets

from ui import auth


@pytest.fixture
def secrets_file(tmp_path, monkeypatch):
    """Point Streamlit's secrets at one file in tmp_path (written by the test)."""
    path = tmp_path / "secrets.toml"
    saved = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(path)])
    monkeypatch.setattr(st, "secrets", Secrets())
    yield path
    config.set_option("secrets.files", saved)


def test_no_secrets_file_is_open(secrets_file):
    assert auth.settings() is None


def test_secrets_without_auth_is_open(secrets_file):
    secrets_file.write_text('other = "x"\n', encoding="utf-8")
    assert auth.settings() is None


def test_unreadable_secrets_file_fails_closed(secrets_file):
    secrets_file.write_text("[auth\npasswords = {", encoding="utf-8")
    with pytest.raises(ValueError, match="the secrets file could not be read"):
        auth.settings()


def test_password_secrets(secrets_file):
    secrets_file.write_text('[auth]\nidle_minutes = 10\n[auth.passwords]\nadmin = "$argon2id$v=19$x"\n', encoding="utf-8")
    conf = auth.settings()
    assert conf is not None and conf.mode == "password" and conf.idle_seconds == 600
    assert dict(conf.passwords) == {"admin": "$argon2id$v=19$x"}


def test_broken_auth_fails_closed(secrets_file):
    secrets_file.write_text('[auth]\nidle_minutes = 10\n', encoding="utf-8")
    with pytest.raises(ValueError, match="no way to sign in is configured"):
        auth.settings()
