"""Partner indicator tables (fires, collisions, drug treatment, IOM cohorts): loading and periods.

A table has one row per indicator, area and period::

    indicator,area,period,value,denominator,breakdown
    Deliberate fires,Demo Borough,2024-04,11,152000,
    Road traffic collisions,Demo Borough,2024-Q2,4,,serious
    Drug treatment,Demo Borough,Q1 2024/25,212,,adults

The header may sit below titles and notes (found by :mod:`csp_data.io.headers`, as for ONS tables).
The area column holds a partnership's name or code (``area``, ``area_code``, ``partnership``, ...).
A period is a month (``2024-03``, ``Mar 2024``), a calendar quarter (``2024-Q1``, ``2024 Q1``), a
financial quarter (``Q1 2024/25`` = April to June 2024), a financial year (``2024/25``) or a range of
whole months (``2024-04 to 2024-06``, ``2024-04-01 to 2024-06-30``). Rows that cannot be used are
rejected and counted with file, row, column and reason (accepted + rejected = the data rows read).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from csp_data.io.common import reject
from csp_data.io.headers import header_key, read_table_at_header
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.model import FileReport, LoadReport
from csp_data.periods import Period, add_months, financial_year, quarter, to_month

#: Header names (cleaned, case-folded) of each column, in order of preference.
AREA_NAMES: Final = ("area", "area_code", "area code", "area_name", "area name", "partnership",
                     "partnership_code", "partnership code", "partnership_name", "partnership name", "csp", "code",
                     "name")
COLUMN_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "indicator": ("indicator", "measure"),
    "area": AREA_NAMES,
    "period": ("period", "month", "quarter", "year"),
    "value": ("value", "count", "number"),
    "denominator": ("denominator", "population", "denom"),
    "breakdown": ("breakdown", "severity", "category", "split"),
}
REQUIRED: Final = ("indicator", "area", "period", "value")
#: The canonical columns of a loaded indicator table.
INDICATOR_COLUMNS: Final = [
    "indicator", "area", "period", "period_start", "period_end", "period_months", "value", "denominator",
    "breakdown", "source", "unit", "source_file", "source_row",
]
#: Units that are counts (summed over months and breakdowns, tested for significance); any other unit
#: ("%", "per 1,000", "days") is a measure shown as given.
COUNT_UNITS: Final = frozenset({
    "count", "number", "people", "persons", "incidents", "fires", "collisions", "casualties", "offenders",
    "crimes", "offences", "referrals", "cases",
})
PERIOD_FORMS: Final = (
    "a month (2024-03), a quarter (2024-Q1 or Q1 2024/25), a financial year (2024/25) "
    "or a range of whole months (2024-04 to 2024-06)"
)

_MONTH: Final = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_NAME: Final = re.compile(r"^([A-Za-z]{3,9})\s+(\d{4})$")
_CAL_QUARTER: Final = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_FIN_QUARTER: Final = re.compile(r"^Q([1-4])\s+(\d{4})/(\d{2}|\d{4})$", re.IGNORECASE)
_FIN_YEAR: Final = re.compile(r"^(\d{4})/(\d{2}|\d{4})$")
_DATE: Final = r"\d{4}-\d{1,2}(?:-\d{1,2})?"
_RANGE: Final = re.compile(rf"^({_DATE})\s*(?:to|–|—|\s-\s)\s*({_DATE})$", re.IGNORECASE)


def _second_year(first: int, text: str) -> bool:
    """'2024/25' and '2024/2025': the second year follows the first."""
    second = int(text) if len(text) == 4 else (first // 100) * 100 + int(text)
    if len(text) == 2 and second < first:  # 1999/00
        second += 100
    return second == first + 1


def _range_end(text: str) -> pd.Timestamp | None:
    """The month a range ends in: 'YYYY-MM' or the last day of a month ('YYYY-MM-DD')."""
    parts = [int(p) for p in text.split("-")]
    if not 1 <= parts[1] <= 12:
        return None
    month = pd.Timestamp(year=parts[0], month=parts[1], day=1)
    if len(parts) == 3 and parts[2] != month.days_in_month:
        return None
    return month


def _range_start(text: str) -> pd.Timestamp | None:
    parts = [int(p) for p in text.split("-")]
    if not 1 <= parts[1] <= 12 or (len(parts) == 3 and parts[2] != 1):
        return None
    return pd.Timestamp(year=parts[0], month=parts[1], day=1)


def parse_period(value: object) -> Period | None:
    """The whole months a period cell covers, or None when it is not one of :data:`PERIOD_FORMS`.

    Examples
    --------
    >>> parse_period("2024-03").label
    'Mar 2024'
    >>> parse_period("2024-Q1").label, parse_period("Q1 2024/25").label
    ('Jan 2024 to Mar 2024', 'Apr 2024 to Jun 2024')
    >>> parse_period("2024/25").label
    'Apr 2024 to Mar 2025'
    >>> parse_period("2024-04-01 to 2024-06-30").label
    'Apr 2024 to Jun 2024'
    >>> parse_period("2024-04-15 to 2024-06-30") is None  # not whole months
    True
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = " ".join(str(value).split())
    try:
        if m := _MONTH.match(text):
            if not 1 <= int(m[2]) <= 12:
                return None
            month = pd.Timestamp(year=int(m[1]), month=int(m[2]), day=1)
            return Period(month, month)
        if m := _MONTH_NAME.match(text):
            month = to_month(pd.to_datetime(f"1 {m[1]} {m[2]}", format="%d %b %Y" if len(m[1]) == 3 else "%d %B %Y"))
            return Period(month, month)
        if m := _CAL_QUARTER.match(text):
            return quarter(int(m[1]), int(m[2]))
        if m := _FIN_QUARTER.match(text):
            year = int(m[2])
            if not _second_year(year, m[3]):
                return None
            start = pd.Timestamp(year=year, month=4, day=1)
            start = add_months(start, 3 * (int(m[1]) - 1))
            return Period(start, add_months(start, 2))
        if m := _FIN_YEAR.match(text):
            return financial_year(int(m[1])) if _second_year(int(m[1]), m[2]) else None
        if m := _RANGE.match(text):
            start, end = _range_start(m[1]), _range_end(m[2])
            if start is None or end is None or end < start:
                return None
            return Period(start, end)
    except (ValueError, OverflowError):
        return None
    return None


def is_count_unit(unit: str) -> bool:
    """True for a unit of :data:`COUNT_UNITS` (case-insensitive)."""
    return unit.strip().casefold() in COUNT_UNITS


@dataclass(frozen=True)
class IndicatorSource:
    """One ``[[indicators]]`` entry of csp.toml: a table, the source it came from and its unit."""

    path: Path
    source: str = ""
    unit: str = "count"
    sheet: str | None = None


def find_columns(columns: Sequence[str]) -> dict[str, str]:
    """Canonical column -> the table's column, for the columns recognised (:data:`COLUMN_NAMES`)."""
    cleaned = {header_key(c): c for c in columns}
    found: dict[str, str] = {}
    for canonical, names in COLUMN_NAMES.items():
        for name in names:
            if name in cleaned and cleaned[name] not in found.values():
                found[canonical] = cleaned[name]
                break
    return found


def _has_required(cells: list[str]) -> bool:
    return all(c in find_columns(cells) for c in REQUIRED)


def _numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(numbers, blank mask): '1,234' read as 1234; text that is not a number is NaN and not blank."""
    text = values.astype("string").str.strip().str.replace(",", "", regex=False)
    blank = (text.isna() | (text == "")).to_numpy()
    numbers = pd.to_numeric(text.mask(pd.Series(blank, index=text.index)), errors="coerce").astype("float64")
    finite = np.isfinite(numbers.to_numpy())
    return numbers.where(finite), pd.Series(blank, index=values.index)


def load_indicators(source: IndicatorSource, *, limits: Limits = DEFAULT_LIMITS) -> tuple[pd.DataFrame, LoadReport]:
    """Read one indicator table.

    Parameters
    ----------
    source
        The table, its source name and unit (one ``[[indicators]]`` entry).
    limits
        Size limits on the file (csp.toml ``[limits]``).

    Returns
    -------
    (pandas.DataFrame, LoadReport)
        :data:`INDICATOR_COLUMNS`; ``period_start``/``period_end`` are the first and last months,
        ``breakdown`` is "" for a row without one. Rejected rows (blank indicator or area, a period
        that is none of :data:`PERIOD_FORMS`, a value or denominator that is not a number, a repeat of
        an indicator, area, period and breakdown) are counted in the report with their row and column.

    Raises
    ------
    ValueError
        Naming the file when it cannot be read or lacks a required column.
    """
    path = source.path
    fr = FileReport(str(path), "indicator table")
    report = LoadReport([fr])
    try:
        raw = read_table_at_header(path, fr, _has_required, sheet=source.sheet, limits=limits)
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read ({exc})") from exc
    cols = find_columns(list(raw.columns))
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise ValueError(
            f"{path}: no {', '.join(missing)} column; found {list(raw.columns)}; expected "
            "`indicator, area, period, value` (optionally `denominator`, `breakdown`)"
        )
    raw = raw[~raw.isna().all(axis=1)]  # a blank spreadsheet row is not a data row
    rows = raw.index.to_numpy()
    ok = np.ones(len(raw), dtype=bool)

    def text(name: str) -> pd.Series:
        if name not in cols:
            return pd.Series([""] * len(raw), index=raw.index, dtype="string")
        return raw[cols[name]].astype("string").str.strip().fillna("")

    indicator, area, period_text, breakdown = text("indicator"), text("area"), text("period"), text("breakdown")
    for name, values in (("indicator", indicator), ("area", area)):
        bad = ok & (values == "").to_numpy()
        reject(fr, bad, f"blank {name}", rows=rows, column=cols[name])
        ok &= ~bad
    periods = [parse_period(p) if p else None for p in period_text.tolist()]
    bad = ok & np.array([p is None for p in periods], dtype=bool)
    reject(fr, bad, "period not recognised", rows=rows, column=cols["period"], found=period_text, expected=PERIOD_FORMS)
    ok &= ~bad
    value, blank = _numbers(raw[cols["value"]])
    bad = ok & value.isna().to_numpy()
    reject(fr, bad, "value is not a number", rows=rows, column=cols["value"], found=raw[cols["value"]],
           expected="a number (a missing figure is a missing row, never 0)")
    ok &= ~bad
    denominator = pd.Series(np.nan, index=raw.index, dtype="float64")
    if "denominator" in cols:
        denominator, blank = _numbers(raw[cols["denominator"]])
        bad = ok & ~blank.to_numpy() & ~(denominator > 0).to_numpy()
        reject(fr, bad, "denominator is not a positive number", rows=rows, column=cols["denominator"],
               found=raw[cols["denominator"]], expected="a positive number or blank")
        ok &= ~bad
    keys = pd.DataFrame({"i": indicator.str.casefold(), "a": area.str.casefold(),
                         "p": [p.label if p else "" for p in periods], "b": breakdown.str.casefold()})
    dup = ok & keys.where(pd.Series(ok, index=raw.index), axis=0).duplicated(keep="first").to_numpy() & ok
    reject(fr, dup, "repeats an earlier row's indicator, area, period and breakdown", rows=rows, column=None)
    ok &= ~dup
    kept = [p for p, k in zip(periods, ok, strict=True) if k and p is not None]
    out = pd.DataFrame({
        "indicator": indicator[ok].to_numpy(dtype=object),
        "area": area[ok].to_numpy(dtype=object),
        "period": period_text[ok].to_numpy(dtype=object),
        "period_start": pd.DatetimeIndex([p.start for p in kept] if kept else [], dtype="datetime64[ns]"),
        "period_end": pd.DatetimeIndex([to_month(p.end) for p in kept] if kept else [], dtype="datetime64[ns]"),
        "period_months": np.array([p.n_months for p in kept], dtype="int64"),
        "value": value[ok].to_numpy(dtype="float64"),
        "denominator": denominator[ok].to_numpy(dtype="float64"),
        "breakdown": breakdown[ok].to_numpy(dtype=object),
        "source": source.source or path.name,
        "unit": source.unit,
        "source_file": str(path),
        "source_row": rows[ok].astype("int64"),
    }, columns=INDICATOR_COLUMNS)
    fr.accepted = len(out)
    return out, report


def load_indicator_sources(
    sources: Sequence[IndicatorSource], *, limits: Limits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, LoadReport]:
    """Every table of ``sources`` in one frame (:func:`load_indicators` for each)."""
    frames, report = [], LoadReport()
    for source in sources:
        frame, rep = load_indicators(source, limits=limits)
        frames.append(frame)
        report.extend(rep)
    if not frames:
        return pd.DataFrame(columns=INDICATOR_COLUMNS), report
    return pd.concat(frames, ignore_index=True), report


def sources_from_config(entries: object, *, where: str, resolve: Any) -> tuple[IndicatorSource, ...]:
    """The ``[[indicators]]`` entries of a parsed csp.toml; ``resolve(value, where)`` turns a path
    into a Path with the config's path rules (relative to the config, system paths refused)."""
    if entries is None:
        return ()
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise ValueError(f"{where}: indicators must be [[indicators]] tables")
    out = []
    for n, entry in enumerate(entries, start=1):
        if not entry.get("path"):
            raise ValueError(f"{where}: [[indicators]] entry {n} needs a `path`")
        out.append(IndicatorSource(
            resolve(str(entry["path"]), f"{where}: [[indicators]] entry {n} path"),
            source=str(entry.get("source", "")), unit=str(entry.get("unit", "count")),
            sheet=entry.get("sheet"),
        ))
    return tuple(out)


__all__ = [
    "COUNT_UNITS",
    "INDICATOR_COLUMNS",
    "PERIOD_FORMS",
    "IndicatorSource",
    "find_columns",
    "is_count_unit",
    "load_indicator_sources",
    "load_indicators",
    "parse_period",
    "sources_from_config",
]
