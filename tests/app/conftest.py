"""AppTest helpers: run app.py (which builds the sidebar and dataset) and switch to a page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
REAL_CONFIG = ROOT / "config" / "herts-real.toml"
REAL_DATA = ROOT.parent / "shared" / "data" / "real"


@pytest.fixture(autouse=True)
def _no_legacy_pages_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest resets Streamlit's "pages/ directory" flag before every run, so each rerun would execute
    the page script alone (legacy multipage mode) instead of app.py. In the server the flag is cleared
    by the first st.navigation call; here, run app.py itself, as the server does from then on."""
    import runpy

    from streamlit.runtime.scriptrunner import script_runner

    monkeypatch.setattr(script_runner, "_mpa_v1", lambda main_script_path: runpy.run_path(main_script_path))


def run_page(page: str | None = None, *, config: Path | None = None, timeout: float = 120) -> AppTest:
    """Run app.py, then switch to ``page`` (e.g. "pages/hotspots.py") and run again."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure the app loads the demo (no CSP_CONFIG, no csp.toml in the repo root is assumed)."""
    monkeypatch.delenv("CSP_CONFIG", raising=False)


@pytest.fixture
def real_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the app at the real Hertfordshire data; skip when ../shared is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip("../shared/data/real not found: real-data tests need the shared folder beside the repo")
    monkeypatch.setenv("CSP_CONFIG", str(REAL_CONFIG))


def assert_no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
