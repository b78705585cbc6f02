"""The security settings SECURITY.md promises: .streamlit/config.toml states them, and the upload limit
is the one the Data page enforces."""

from __future__ import annotations

from pathlib import Path

from csp_data.io.limits import Limits
from csp_data.io.toml import read_toml
from csp_data.io.uploads import MAX_UPLOAD_MB

ROOT = Path(__file__).resolve().parents[1]


def test_streamlit_config_states_xsrf_and_cors_protection() -> None:
    cfg = read_toml(ROOT / ".streamlit" / "config.toml", what="Streamlit config")
    server = cfg["server"]
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True  # True = CORS protection on (False sends Allow-Origin: *)
    assert server["maxUploadSize"] == MAX_UPLOAD_MB == 200
    # the Import page's per-upload limit ([limits] max_upload_mb) is the same by default
    assert Limits().max_upload_mb == server["maxUploadSize"]
    assert cfg["browser"]["gatherUsageStats"] is False


def test_security_md_covers_the_issue_topics_and_the_websocket_proxy() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    for heading in ("## Uploads, zips and paths", "## Formula injection", "## HTML injection", "## Secrets",
                    "## Restricted data and roles", "## XSRF and CORS", "## Running behind HTTPS",
                    "## What is logged"):
        assert heading in text
    assert "location /_stcore/stream" in text and "proxy_set_header Upgrade $http_upgrade;" in text
    assert "docs/security.md" in text
