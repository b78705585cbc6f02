"""Helpers for the real-data acceptance tests (tests/app/test_acceptance_*.py): open a page once per
module with the sidebar set, read what the user sees, and check figures written by hand.

Expected values never come from the product: the tests take them from ../shared/data/real/README.md
(and, for populations, from the ONS workbook read by eye) and compute changes with plain math here.
"""

from __future__ import annotations

import math
import re
import runpy
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import REAL_DATA, ROOT

#: (widget kind, key, value) steps applied after the first run, in order.
Step = tuple[str, str, object]
Opener = Callable[..., AppTest]


def page_opener(config: Path) -> Iterator[Opener]:
    """Body of a module-scoped fixture: ``open(page, *steps)`` runs app.py on ``config`` with ``page``
    chosen before the first run (so the sidebar stays in the element tree), applies the steps, and
    keeps the AppTest for the rest of the module (the dataset is loaded once per process anyway)."""
    if not REAL_DATA.is_dir():
        pytest.skip("../shared/data/real not found: real-data tests need the shared folder beside the repo")
    from streamlit.runtime.scriptrunner import script_runner

    opened: dict[tuple[object, ...], AppTest] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CSP_CONFIG", str(config))
        # as tests/app/conftest.py's autouse fixture does, for AppTests made outside a test function
        mp.setattr(script_runner, "_mpa_v1", lambda main_script_path: runpy.run_path(main_script_path))

        def open_page(page: str | None, *steps: Step) -> AppTest:
            key = (page, *steps)
            if key not in opened:
                at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
                if page is not None:
                    at.switch_page(page)
                at.run()
                for kind, widget_key, value in steps:
                    if at.exception or at.error:
                        break  # the config did not load: the tests report the error box
                    root = at.sidebar if widget_key.startswith("f_") else at
                    getattr(root, kind)(key=widget_key).set_value(value).run()
                opened[key] = at
            return opened[key]

        yield open_page


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]


def assert_loaded(at: AppTest, partnership: str) -> None:
    """No traceback, no error box, and the configured data (not the demo fallback) is showing."""
    assert not errors(at), errors(at)
    assert at.session_state["dataset"].partnership == partnership


def frames(at: AppTest) -> list[pd.DataFrame]:
    out = []
    for d in at.dataframe:
        v = d.value
        out.append(v.data if hasattr(v, "data") else v)  # a Styler keeps its frame in .data
    return out


def frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table on the page that has all ``columns``."""
    for f in frames(at):
        if all(c in f.columns for c in columns):
            return f
    raise AssertionError(f"no table with columns {list(columns)}; tables: {[list(f.columns) for f in frames(at)]}")


def text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.warning] + [h.value for h in at.subheader]
    return "\n".join(str(p) for p in parts)


def number(cell: object) -> float:
    """'7,289' -> 7289, '−417' -> -417, '+11.5%' -> 11.5, '121.50 per 1,000 residents' -> 121.5."""
    s = str(cell).replace("−", "-").replace(",", "").strip()
    m = re.match(r"^[+-]?\d+(\.\d+)?", s)
    if not m:
        raise AssertionError(f"expected a number, the page shows {cell!r}")
    return float(m.group(0))


def pct(current: int, previous: int) -> float:
    return (current - previous) / previous * 100


def z_poisson(current: int, previous: int) -> float:
    return 2 * (math.sqrt(current) - math.sqrt(previous))


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


# ------------------------------------------------------------------------------ missing is not zero

_MONTH_FORMATS = ("%b %Y", "%Y-%m", "%Y-%m-%d", "%B %Y")


def _month(value: object) -> pd.Timestamp | None:
    if isinstance(value, pd.Timestamp):
        return value.to_period("M").to_timestamp()
    if not isinstance(value, str) or not value.strip():
        return None
    for fmt in _MONTH_FORMATS:
        try:
            parsed = pd.to_datetime(value.strip(), format=fmt)
        except ValueError:
            continue
        return None if pd.isna(parsed) else parsed.to_period("M").to_timestamp()
    return None


def _is_zero(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 0
    return isinstance(value, str) and value.strip() in ("0", "0.0", "0.00")


def _month_columns(frame: pd.DataFrame) -> list[str]:
    cols = []
    for c in frame.columns:
        values = frame[c].dropna()
        if len(values) and all(_month(v) is not None for v in values):
            cols.append(c)
    return cols


def zeros_outside(frame: pd.DataFrame, first: str, last: str, where: str) -> list[str]:
    """'<where>: Feb 2020 shown as 0 (count)' for every month outside first..last shown as 0."""
    lo, hi = pd.Timestamp(first), pd.Timestamp(last)
    found = []
    month_cols = _month_columns(frame)
    for _, row in frame.iterrows():
        outside = [_month(row[c]) for c in month_cols if not (lo <= _month(row[c]) <= hi)]  # type: ignore[operator]
        if not outside:
            continue
        zeros = [str(c) for c in frame.columns if c not in month_cols and _is_zero(row[c])]
        if zeros:
            found.append(f"{where}: {outside[0]:%b %Y} shown as 0 ({', '.join(zeros)})")
    return found


def chart_frames(at: AppTest) -> list[tuple[str, pd.DataFrame]]:
    """The data of every Altair chart on the page, with its title."""
    import json

    from streamlit import dataframe_util

    out = []
    for chart in at.get("vega_lite_chart"):
        proto = chart.proto  # type: ignore[attr-defined]
        title = json.loads(proto.spec).get("title", "chart")
        title = title.get("text", "chart") if isinstance(title, dict) else title
        for ds in proto.datasets:
            out.append((f"chart {title!r}", dataframe_util.convert_arrow_bytes_to_pandas_df(ds.data.data)))
    return out


def months_shown_as_zero(at: AppTest, first: str, last: str) -> list[str]:
    """Every table cell and chart point that shows a month outside the data (first..last) as 0."""
    found: list[str] = []
    for i, f in enumerate(frames(at)):
        found += zeros_outside(f, first, last, f"table {i} {list(f.columns)[:3]}")
    for title, f in chart_frames(at):
        found += zeros_outside(f, first, last, title)
    return found


def honest_label(label: str) -> bool:
    """A proxy named as such: 'Burglary (all: police.uk has no dwelling split)'."""
    return bool(re.search(r"proxy|has no|no .*(split|flag)", label, flags=re.IGNORECASE))


def check_missing_group(table: pd.DataFrame, name_col: str, value_cols: Sequence[str], group: str, proxy_of: str,
                        *, proxy_values: Sequence[str] | None = None) -> list[str]:
    """A group police.uk cannot provide (``group``: 'Dwelling burglary', 'Alcohol-related violence') is
    either shown 'n/a' (with the reason), or as a proxy whose label says so ('Burglary (all: police.uk
    has no dwelling split)', ``proxy_of`` = 'Burglary') showing ``proxy_values``. Returns what is wrong."""
    labels = table[name_col].astype(str)
    rows = table[labels.str.startswith(group) | (labels.map(honest_label) & labels.str.contains(proxy_of))]
    if rows.empty:
        return [f"no row for {group!r} (neither 'n/a' nor a labelled proxy): {labels.tolist()}"]
    problems = []
    for _, row in rows.iterrows():
        label = str(row[name_col])
        cells = [str(row[c]) for c in value_cols]
        if honest_label(label):
            if proxy_values is not None and cells != list(proxy_values):
                problems.append(f"{label!r}: proxy shows {cells}, expected {list(proxy_values)}")
        elif not all(c.startswith("n/a") for c in cells):
            problems.append(f"{label!r} shows {cells}: neither 'n/a' with the reason nor a labelled proxy")
    return problems


def assert_no_zero_months(at: AppTest, first: str, last: str) -> None:
    """Point 14: missing is not zero. Names the first few offending cells."""
    found = months_shown_as_zero(at, first, last)
    assert not found, f"{len(found)} month(s) outside {first}..{last} shown as 0, e.g. " + "; ".join(found[:4])
