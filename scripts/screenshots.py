"""Take full-page screenshots of app pages in headless chromium (for README and review).

    .venv/bin/python scripts/screenshots.py [--config FILE] [--out DIR] [--prefix NAME] [--query Q]
        [--screens N] [PAGE ...]

PAGE is a URL path ('' = Overview, 'hotspots', 'trends', ...). Starts its own streamlit server.
Presentation mode: ``--query mode=present --screens 4`` saves the first 4 screens of each page as the room
sees them (one window each, scrolled one window between them); a full-page shot would stretch the window, and with
it every exhibit's one-screen height.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    AppServer,
    error_texts,
    screenshot,
    settled,
    wait_for_app,
)


def _screens(page: object, stem: Path, n: int) -> Path:
    """Save ``n`` screens, ``stem``_1.png ..., scrolling Streamlit's main block one window between them."""
    for i in range(1, n + 1):
        page.screenshot(path=f"{stem}_{i}.png")  # type: ignore[attr-defined]
        page.evaluate(  # type: ignore[attr-defined]  # one window down, as Page Down would (it snaps to an exhibit)
            "() => { const m = document.querySelector('[data-testid=stMain]');"
            " (m && m.scrollHeight > m.clientHeight ? m : document.scrollingElement).scrollBy(0, innerHeight - 64); }"
        )
        page.wait_for_timeout(800)  # type: ignore[attr-defined]
    return stem.parent / f"{stem.name}_1..{n}.png"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="*", default=["", "hotspots", "trends", "priorities", "data", "import", "methods"])
    ap.add_argument("--config", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "browser" / "screenshots")
    ap.add_argument("--prefix", default="page")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--query", default="", help="query string to append, e.g. mode=present (presentation mode)")
    ap.add_argument("--screens", type=int, default=0, help="save N window-sized screens instead of the full page")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    server = AppServer(args.config)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": 1000})
            for p in args.pages:
                page.goto(f"{server.url}/{p}" + (f"?{args.query}" if args.query else ""))
                wait_for_app(page)
                settled(page)
                page.set_viewport_size({"width": args.width, "height": 1000})
                if args.screens:
                    out = _screens(page, args.out / f"{args.prefix}_{p or 'home'}", args.screens)
                else:
                    out = screenshot(page, f"{args.prefix}_{p or 'home'}")
                errs = error_texts(page)
                print(out, "ERRORS: " + " | ".join(e[:300] for e in errs) if errs else "ok")
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
