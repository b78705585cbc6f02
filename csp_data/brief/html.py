"""The briefing pack as one self-contained HTML file, and as a PDF printed from it (no Streamlit).

Self-contained: the CSS is inline, the images are ``data:`` URIs, and no element, attribute or style
points at the network (no ``src=``/``href=``/``url(`` to http(s)). Every piece of data text (names,
sentences, table cells) goes through :func:`esc`, the one escape of this module. The licence lines are
text, never links.

The PDF is printed by headless Chromium through Playwright (``page.pdf``) from the same HTML; every
printed page has the attribution and the date made in its footer (Chromium's footer template). The
browser is the system's ``/usr/bin/chromium`` (``make browser-deps`` installs it).
"""

from __future__ import annotations

import base64
import html
import os
import re
import threading
from pathlib import Path
from typing import Any, Final

import pandas as pd

from csp_data.brief.content import Brief, Section
from csp_data.disclosure import statement

#: The Chromium the PDF is printed with (``CSP_CHROMIUM`` overrides it).
CHROMIUM: Final = "/usr/bin/chromium"
CHROMIUM_ENV: Final = "CSP_CHROMIUM"

CSS: Final = """
@page { size: A4; margin: 16mm 14mm 20mm 14mm; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #1a1a1a; font-size: 10.5pt;
       line-height: 1.4; margin: 0 auto; max-width: 182mm; }
h1 { font-size: 22pt; margin: 0 0 6mm; color: #1f4e79; }
h2 { font-size: 15pt; color: #1f4e79; border-bottom: 2px solid #1f4e79; padding-bottom: 1mm; margin-top: 8mm; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
section.page-break { break-before: page; }
.cover { border: 1px solid #bbb; padding: 6mm; margin-bottom: 6mm; }
.cover dt { font-weight: bold; float: left; clear: left; width: 38mm; }
.cover dd { margin: 0 0 2mm 40mm; }
table { border-collapse: collapse; width: 100%; font-size: 7.5pt; margin: 2mm 0 4mm; }
th, td { border: 1px solid #c8c8c8; padding: 0.8mm 1mm; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
tr { break-inside: avoid; }
img { max-width: 100%; height: auto; display: block; margin: 2mm 0; break-inside: avoid; }
footer.running { margin-top: 10mm; border-top: 1px solid #bbb; font-size: 8pt; color: #444; padding-top: 2mm; }
@media print { footer.running { display: none; } }
"""


def esc(text: object) -> str:
    """``text`` safe as HTML element text or a quoted attribute value (the one escape of this module).

    >>> esc('<b>"A&B"</b>')
    '&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;'
    """
    return html.escape(str(text), quote=True)


def inline_markdown(text: str) -> str:
    r"""A generated sentence as HTML: escaped, with ``**bold**`` kept as bold and ``\*`` as ``*``.

    >>> inline_markdown(r"**Up** 5% in <A> Gi\*")
    '<strong>Up</strong> 5% in &lt;A&gt; Gi*'
    """
    out = esc(text.replace("\\*", "\x00"))
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return out.replace("\x00", "*")


def table_html(frame: pd.DataFrame) -> str:
    """A display frame as an HTML table (every header and cell escaped; missing cells empty)."""
    head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = "".join(f"<td>{'' if _missing(v) else esc(v)}</td>" for v in values)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def section_html(section: Section) -> str:
    """One section: heading, paragraphs, images (SVG ``data:`` URIs: an SVG in an ``<img>`` fetches nothing), tables."""
    parts = [f"<h2>{esc(section.heading)}</h2>"]
    parts += [f"<p>{inline_markdown(p)}</p>" for p in [*section.paragraphs, *section.notes]]
    for image in section.images:
        data = base64.b64encode(image.svg.encode("utf-8")).decode("ascii")
        parts.append(f'<img alt="{esc(image.alt)}" src="data:image/svg+xml;base64,{data}">')
    for caption, frame in section.tables:
        parts.append(f"<h3>{esc(caption)}</h3>{table_html(frame)}")
    cls = ' class="page-break"' if section.page_break else ""
    return f"<section{cls}>{''.join(parts)}</section>"


def footer_text(brief: Brief) -> str:
    """The line at the foot of every page: the attribution, the date made and, in partner-safe mode, the
    statement (csp_data.disclosure.statement)."""
    mode = "" if brief.threshold is None else f" · {statement(brief.threshold)}"
    return f"{brief.attribution} · Made {brief.made}{mode}"


def brief_html(brief: Brief) -> str:
    """The pack as one HTML document (UTF-8), with no external resource."""
    cover = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in brief.cover)
    body = "".join(section_html(s) for s in brief.sections)
    return (
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
        f"<title>{esc(brief.title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{esc(brief.title)}</h1><dl class=\"cover\">{cover}</dl>{body}"
        f"<footer class=\"running\">{esc(footer_text(brief))}</footer></body></html>"
    )


def chromium_path() -> Path:
    """The Chromium executable the PDF is printed with; a clear error when it is missing."""
    path = Path(os.environ.get(CHROMIUM_ENV, CHROMIUM))
    if not path.is_file():
        raise RuntimeError(
            f"PDF: Chromium not found at {path}; run `make browser-deps` (installs Debian's chromium) or set "
            f"{CHROMIUM_ENV}. The HTML pack does not need it."
        )
    return path


def html_to_pdf(document: str, *, footer: str = "") -> bytes:
    """Print an HTML document to A4 PDF with headless Chromium (Playwright), ``footer`` on every page.

    Raises
    ------
    RuntimeError
        When Chromium is missing (see :func:`chromium_path`) or cannot start.
    """
    executable = chromium_path()
    from playwright.sync_api import Error, sync_playwright  # a heavy import, only for the PDF

    template = (
        '<div style="font-size:7px;color:#444;width:100%;padding:0 14mm;font-family:Arial,sans-serif">'
        f'{esc(footer)}<span style="float:right">page <span class="pageNumber"></span>/'
        '<span class="totalPages"></span></span></div>'
    )
    result: dict[str, bytes | BaseException] = {}

    def work() -> None:
        try:
            result["pdf"] = _print(sync_playwright, Error, executable, document, template)
        except BaseException as exc:  # handed back to the caller's thread
            result["error"] = exc

    # A thread of its own: Playwright's sync API refuses a thread with a running asyncio loop (the
    # caller's may have one: Streamlit, other Playwright users).
    worker = threading.Thread(target=work, name="brief-pdf")
    worker.start()
    worker.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["pdf"]  # type: ignore[return-value]


def _print(sync_playwright: Any, error: Any, executable: Any, document: str, template: str) -> bytes:
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(executable), args=["--no-sandbox"])
            try:
                page = browser.new_page()
                # offline: nothing may be fetched (the document has no external resource)
                page.route("**/*", lambda route: route.abort() if route.request.url.startswith("http") else
                           route.continue_())
                page.set_content(document, wait_until="load")
                return bytes(page.pdf(
                    format="A4", print_background=True, display_header_footer=True,
                    header_template="<div></div>", footer_template=template,
                    margin={"top": "16mm", "bottom": "20mm", "left": "14mm", "right": "14mm"},
                ))
            finally:
                browser.close()
    except error as exc:
        raise RuntimeError(f"PDF: Chromium at {executable} could not print the pack: {exc}") from exc


def brief_pdf(brief: Brief) -> bytes:
    """The pack as a PDF (:func:`html_to_pdf` of :func:`brief_html`)."""
    return html_to_pdf(brief_html(brief), footer=footer_text(brief))


def write_brief(brief: Brief, out: Path) -> Path:
    """Write ``out`` (``.html`` or ``.pdf``, by its suffix)."""
    suffix = out.suffix.lower()
    if suffix in (".html", ".htm"):
        out.write_text(brief_html(brief), encoding="utf-8")
    elif suffix == ".pdf":
        out.write_bytes(brief_pdf(brief))
    else:
        raise ValueError(f"--out {out}: unknown extension {out.suffix!r}; expected .html or .pdf")
    return out
