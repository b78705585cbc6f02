"""Sign-in in a real browser: before sign-in no dataset name reaches the browser, not even over the
WebSocket; a deep link keeps its page through sign-in; sign-out returns to the form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from csp_data.auth import hash_password
from tests.browser.conftest import AppServer, error_texts, wait_for_app

pytestmark = pytest.mark.browser

PASSWORD = "partner-browser-pw"


@pytest.fixture(scope="module")
def signed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    secrets = Path(tmp_path_factory.mktemp("secrets")) / "secrets.toml"
    secrets.write_text(f'[auth]\n[auth.passwords]\npartner = "{hash_password(PASSWORD)}"\n', encoding="utf-8")
    server = AppServer(None, args=("--secrets.files", str(secrets)))
    yield server
    server.stop()


def test_sign_in_in_the_browser(browser, signed_app):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    received: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(
        f if isinstance(f, bytes) else str(f).encode())))
    try:
        page.goto(f"{signed_app.url}/trends")  # a deep link before sign-in
        # the first request runs pages/trends.py alone (legacy mode), which hands over to app.py's gate
        page.wait_for_function("() => document.body.innerText.includes('sign in')", timeout=120_000)
        wait_for_app(page)
        body = page.inner_text("body")
        assert "sign in" in body
        assert "Demo Borough" not in body and "Trends" not in body
        assert received and not any(b"Demo Borough" in frame for frame in received)  # nothing on the wire
        assert error_texts(page) == []

        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.keyboard.press("Enter")  # submits the form
        page.wait_for_function("() => document.body.innerText.includes('Signed in as')", timeout=120_000)
        wait_for_app(page)
        assert "Demo Borough" in page.inner_text("body")
        assert "/trends" in page.url  # the deep link's page, after sign-in
        assert error_texts(page) == []

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_function("() => document.body.innerText.includes('Signed out.')", timeout=60_000)
        assert "Demo Borough" not in page.inner_text("body")
    finally:
        ctx.close()
