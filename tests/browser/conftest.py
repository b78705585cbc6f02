"""Browser tests: start `streamlit run app.py` on a free port and drive Debian's chromium with Playwright.

Skipped with a clear reason when chromium or Playwright cannot run here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from csp_data.tools.serve import wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent / "screenshots"
REAL_CONFIG = ROOT / "config" / "herts-real.toml"
REAL_DATA = ROOT.parent / "shared" / "data" / "real"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    def __init__(self, config: Path | None, args: tuple[str, ...] = ()) -> None:
        self.port = _free_port()
        env = dict(os.environ)
        env.pop("CSP_CONFIG", None)
        if config is not None:
            env["CSP_CONFIG"] = str(config)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *args],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        if wait_until_healthy(self.url, self.proc, 90, poll_s=0.5):
            return
        out = self.proc.stdout.read().decode() if self.proc.poll() is not None and self.proc.stdout else ""
        self.stop()
        raise RuntimeError(f"streamlit did not start: {out[-2000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (make test tries `apt-get install chromium`); browser tests skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed in this environment")
    try:
        pw = sync_playwright().start()
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:  # any launch failure means "cannot run here"
        pytest.skip(f"chromium could not be launched by Playwright here: {exc}")
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="session")
def demo_app() -> Iterator[AppServer]:
    server = AppServer(None)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def real_app() -> Iterator[AppServer]:
    if not REAL_DATA.is_dir():
        pytest.skip("../shared/data/real not found: real-data browser tests need the shared folder")
    server = AppServer(REAL_CONFIG)
    yield server
    server.stop()


def wait_for_app(page: object, timeout_ms: int = 120_000) -> None:
    """Wait until Streamlit has finished running the script and no spinner is showing."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stSpinner\"]')", timeout=timeout_ms
    )
    page.wait_for_timeout(1000)  # type: ignore[attr-defined]  # let charts and maps draw


def settled(page: object) -> None:
    """Wait until no element is still a loading skeleton (Streamlit draws one while an element's code
    loads; on a cold browser cache that outlasts the script run), so axe sees every table and chart."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=90_000
    )
    page.wait_for_timeout(1000)  # type: ignore[attr-defined]  # let charts and maps draw


def screenshot(page: object, name: str) -> Path:
    """Screenshot the whole page: Streamlit scrolls inside its main block, so grow the viewport first."""
    height = page.evaluate(  # type: ignore[attr-defined]
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stMainBlockContainer]')]"
        ".map(e => e.scrollHeight), 1000)"
    )
    width = page.viewport_size["width"]  # type: ignore[attr-defined]
    page.set_viewport_size({"width": width, "height": min(int(height) + 100, 12000)})  # type: ignore[attr-defined]
    page.wait_for_timeout(800)  # type: ignore[attr-defined]
    SHOTS.mkdir(exist_ok=True)
    out = SHOTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=True, timeout=120_000)  # type: ignore[attr-defined]  # slow when the machine is busy
    return out


def error_texts(page: object) -> list[str]:
    """Text of every Streamlit error or exception box on the page."""
    boxes = page.query_selector_all("[data-testid='stException'], [data-testid='stAlertContentError']")  # type: ignore[attr-defined]
    return [b.inner_text() for b in boxes]


@pytest.fixture
def open_page(browser: object) -> Callable[..., object]:
    """open_page(server, path="", name=None) -> a loaded page; saves a full-page screenshot as name.png."""
    pages = []

    def _open(server: AppServer, path: str = "", name: str | None = None, width: int = 1400) -> object:
        ctx = browser.new_context(viewport={"width": width, "height": 1000})  # type: ignore[attr-defined]
        page = ctx.new_page()
        pages.append(ctx)
        page.goto(f"{server.url}/{path}")
        wait_for_app(page)
        if name:
            screenshot(page, name)
        return page

    yield _open
    for ctx in pages:
        ctx.close()
