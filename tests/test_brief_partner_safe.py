"""The briefing pack in partner-safe mode (issue #12.3 applied to #12.2): no small count in the HTML.

The scan is written here, independently of csp_data.disclosure: the pack's HTML is parsed with the
stdlib ``html.parser``; the count columns are named by hand from the pack's tables (the period columns
of the overview, "Previous", "Current" and "Count"); the text outside tables is searched for a whole
number standing alone. The demo's counts are large (partnership totals), so the tests use a threshold
of 500: then the overview (Burglary 395), the risk table (Dwelling burglary 202), the top beats
(Bennetts End 445) and the Gi* cells (20) have small counts, and the same scan finds them with the mode
off (so each test can fail).
"""

from __future__ import annotations

import argparse
import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from csp_data.brief import brief_html, build_brief
from csp_data.cli import main
from csp_data.cli.common import query_from_args
from csp_data.io.dataset import build_dataset, demo_config
from tests.disclosure_fixtures import demo_toml

THRESHOLD = 500
STATEMENT = "partner-safe: counts under 500 suppressed"
#: The overview's period columns ('Nov 24 to Oct 25'), and the other tables' count columns.
PERIOD_HEADER = re.compile(r"[A-Z][a-z]{2} [0-9]{2} to [A-Z][a-z]{2} [0-9]{2}")
COUNT_HEADERS = ("Previous", "Current", "Count")
#: Cells computed from the row's counts: suppressed with them.
DERIVED_HEADERS = ("Volume change", "% change", "Change", "Significant (95%)", "Significant", "Rate",
                   "Rate per 1,000 residents", "Share", "Rank", "MSG rank", "County rank", "z")
COUNT_CELL = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})*")
#: A whole number standing alone in text (not in a decimal, a word or code, a date '2025-11', a
#: percentage, a signed change, a rank '10th/15' or after '<').
LONE = re.compile(r"(?<![\w.,/<+−\-])([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?![\w%/]|[.,][0-9])")
#: The fixed method caption (a formula, no count): "z = 2(√current − √previous)".
FORMULA = "z = 2(√current − √previous)"
#: The footer's date made ('Made 03 Dec 2026 08:28'): a date, not a count.
LEGEND_LABEL = re.compile(r"(<?[0-9][0-9,]*) to (<?[0-9][0-9,]*)")
MADE = re.compile(r"Made [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}")


class Pack(HTMLParser):
    """The tables (header, rows) and the text outside tables of a pack, and its images' SVG text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self.text: list[str] = []
        self.images: list[tuple[str, str]] = []  # (alt, svg)
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_table = False
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._in_table = True
            self.tables.append(([], []))
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("style", "title"):
            self._skip = True
        elif tag == "img":
            a = dict(attrs)
            src = a.get("src") or ""
            if src.startswith("data:image/svg+xml;base64,"):
                self.images.append((a.get("alt") or "", base64.b64decode(src.split(",", 1)[1]).decode("utf-8")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            header, rows = self.tables[-1]
            if not header:
                header.extend(self._row)
            else:
                rows.append(self._row)
            self._row = None
        elif tag in ("style", "title"):
            self._skip = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif not self._in_table and not self._skip:
            self.text.append(data)


def parse(document: str) -> Pack:
    pack = Pack()
    pack.feed(document)
    return pack


def is_count_header(name: str) -> bool:
    return bool(PERIOD_HEADER.fullmatch(name)) or name in COUNT_HEADERS


def small_cells(pack: Pack, threshold: int = THRESHOLD) -> list[tuple[str, str]]:
    """(column, cell) of every count cell holding a count from 1 to threshold − 1."""
    out = []
    for header, rows in pack.tables:
        for row in rows:
            for name, cell in zip(header, row, strict=True):
                if is_count_header(name) and COUNT_CELL.fullmatch(cell) and 1 <= int(cell.replace(",", "")) < threshold:
                    out.append((name, cell))
    return out


def small_numbers_in_text(pack: Pack, threshold: int = THRESHOLD) -> list[str]:
    """Lone whole numbers from 1 to threshold − 1 in the text outside tables (headings, sentences, cover)."""
    text = MADE.sub("", " ".join(pack.text).replace(FORMULA, ""))
    return [m.group(1) for m in LONE.finditer(text) if 1 <= int(m.group(1).replace(",", "")) < threshold]


def legend_numbers(pack: Pack) -> list[int]:
    """The numbers of the area map's legend ('86 to 226'): count class bounds."""
    svg = next(s for alt, s in pack.images if alt.startswith("Incidents per"))
    texts = [t.replace("&lt;", "<") for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    labels = [m.groups() for t in texts if (m := LEGEND_LABEL.fullmatch(t))]
    assert labels, "the area map has a legend"
    return [int(b.replace(",", "")) for pair in labels for b in pair if not b.startswith("<")]  # "<500" is no value


@pytest.fixture(scope="module")
def dataset():
    return build_dataset(demo_config())


@pytest.fixture(scope="module")
def query(dataset):
    return query_from_args(argparse.Namespace(date_from="2025-11", date_to="2026-10", group=None, crime_type=[]),
                           dataset)


@pytest.fixture(scope="module")
def safe_pack(dataset, query) -> Pack:
    return parse(brief_html(build_brief(dataset, query, threshold=THRESHOLD)))


@pytest.fixture(scope="module")
def full_pack(dataset, query) -> Pack:
    return parse(brief_html(build_brief(dataset, query)))


def test_the_scan_finds_small_counts_without_the_mode(full_pack: Pack) -> None:
    cells = small_cells(full_pack)
    assert ("Nov 25 to Oct 26", "395") in cells  # Burglary in the overview
    assert ("Current", "210") in cells  # Dwelling burglary in the risk table
    assert ("Count", "445") in cells  # Bennetts End, the 10th top beat
    assert ("Count", "20") in cells  # a Gi* hot-spot cell
    assert small_numbers_in_text(full_pack)  # "12 months", "(1 = lowest)", ...
    assert any(n < THRESHOLD for n in legend_numbers(full_pack))  # "86 to 226"
    assert STATEMENT not in " ".join(full_pack.text)


def test_no_small_count_in_any_table(safe_pack: Pack) -> None:
    assert small_cells(safe_pack) == []
    suppressed = [cell for header, rows in safe_pack.tables for row in rows
                  for name, cell in zip(header, row, strict=True) if is_count_header(name) and cell == "<500"]
    assert len(suppressed) >= 4  # the cells are shown as "<500", not dropped


def test_cells_computed_from_a_suppressed_count_are_suppressed(safe_pack: Pack) -> None:
    checked = 0
    for header, rows in safe_pack.tables:
        for row in rows:
            cells = dict(zip(header, row, strict=True))
            if any(is_count_header(n) and v == "<500" for n, v in cells.items()):
                for name in DERIVED_HEADERS:
                    if name in cells:
                        assert cells[name] in ("<500", "", "n/a"), (name, row)
                        checked += 1
    assert checked >= 10


def test_why_text_and_sentences_state_no_small_count(safe_pack: Pack) -> None:
    assert small_numbers_in_text(safe_pack) == []
    why = next(rows for header, rows in safe_pack.tables if "Why" in header)
    burglary = next(r for r in why if r[0] == "Dwelling burglary")
    assert "Medium (3 × 3 = 9)" not in burglary[2] and "<500" in burglary[2]


def test_map_legend_has_no_small_count(safe_pack: Pack) -> None:
    assert all(n >= THRESHOLD for n in legend_numbers(safe_pack))


def test_no_street_points_or_locations(safe_pack: Pack) -> None:
    # the pack draws areas and grid cells only; no repeat-location heading or sentence
    text = " ".join(safe_pack.text).casefold()
    assert "repeat location" not in text and "most frequent" not in text
    for _, svg in safe_pack.images:
        assert "<circle" not in svg


def test_statement_on_the_cover_and_footer(safe_pack: Pack) -> None:
    text = " ".join(safe_pack.text)
    assert text.count(STATEMENT) >= 2  # the cover's filters and the running footer


def test_cli_partner_safe_uses_the_config_threshold(tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    assert main(["brief", "--config", str(demo_toml(tmp_path, THRESHOLD)), "--from", "2025-11", "--to", "2026-10",
                 "--partner-safe", "--out", str(out)]) == 0
    pack = parse(out.read_text(encoding="utf-8"))
    assert small_cells(pack) == [] and small_numbers_in_text(pack) == []
    assert all(n >= THRESHOLD for n in legend_numbers(pack))
    assert STATEMENT in " ".join(pack.text)


class _Column:
    def __init__(self, calls: list[dict]) -> None:
        self.calls = calls

    def download_button(self, label: str, data, **kwargs) -> None:
        self.calls.append({"label": label, "data": data, **kwargs})


class _FakeSt:
    """The few Streamlit calls of ui.brief.briefing_buttons, recorded."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.text: list[str] = []
        self.session_state = {"dataset_key": "k"}

    def markdown(self, body: str, **_: object) -> None:
        self.text.append(body)

    def columns(self, n: int) -> list[_Column]:
        return [_Column(self.calls) for _ in range(n)]


@pytest.mark.parametrize("threshold", [5, None])
def test_overview_buttons_pass_the_sessions_mode(monkeypatch: pytest.MonkeyPatch, dataset, query,
                                                 threshold: int | None) -> None:
    # the session's mode (ui.safe.active_threshold: the toggle, ?safe=1 or the partner role) is what
    # the pack is built with when a button is clicked
    import ui.brief as B

    fake, built = _FakeSt(), []
    monkeypatch.setattr(B, "st", fake)
    monkeypatch.setattr(B, "active_threshold", lambda: threshold)
    monkeypatch.setattr(B, "default_config", lambda: None)
    monkeypatch.setattr(B, "outcome_data", lambda key: None)
    monkeypatch.setattr(B, "get_config", lambda key: type("C", (), {"incident_format": "force"})())
    monkeypatch.setattr(B, "build_brief", lambda *a, **k: built.append(k.get("threshold")) or "brief")
    monkeypatch.setattr(B, "brief_html", lambda brief: "<html>")
    B.briefing_buttons(dataset, query)
    html_button = next(c for c in fake.calls if c["label"] == "Briefing pack (HTML)")
    assert html_button["data"]() == "<html>" and built == [threshold]
    stated = "partner-safe: counts under 5 suppressed" in " ".join(fake.text)
    assert stated == (threshold is not None)
    assert html_button["file_name"].endswith("_partner_safe.html") == (threshold is not None)
