"""Per-partnership population and household tables, and the column names comparator tables share.

:func:`load_population_table` reads a CSV or XLSX with one row per partnership (e.g. the ONS workbook's
table C4); :mod:`csp_data.io.comparator_tables` reads comparator counts with the same column names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from csp_data.comparators.tables import name_keys
from csp_data.io.common import reject
from csp_data.io.headers import header_key, read_table_at_header
from csp_data.io.population import MAX_AREA_VALUE, reject_implausible
from csp_data.model import FileReport, LoadIssue, LoadReport


def find_column(columns: Iterable[str], candidates: Sequence[str]) -> str | None:
    """The first column whose cleaned name equals one of ``candidates`` (in candidate order)."""
    cleaned = {header_key(c): c for c in columns}
    for cand in candidates:
        if cand in cleaned:
            return cleaned[cand]
    return None


#: Header names (cleaned by :func:`csp_data.io.headers.header_key`) of a partnership name column.
PARTNERSHIP_NAMES: Final = (
    "partnership", "community safety partnership name", "csp name", "csp", "partnership name",
    "territory", "police force area name", "police force area", "la_name", "la name",
    "local authority name", "area_name", "area name", "area", "name", "geography",
)
#: Name columns that hold partnerships (not police force areas or regions): preferred among a workbook's sheets.
_CSP_NAMES: Final = PARTNERSHIP_NAMES[:5]
#: Header names of a population column.
POPULATION_NAMES: Final = ("population", "pop", "geography_total", "residents", "all usual residents", "persons")
#: Header names of a households column.
HOUSEHOLD_NAMES: Final = ("households", "household", "hh", "number of households")


#: Header beginnings of ONS denominator columns ("Population figures (mid-2022) - rounded to 100").
_POPULATION_PREFIXES: Final = ("population figures", "population estimate", "mid-year population")
_HOUSEHOLD_PREFIXES: Final = ("household figures", "household estimate", "number of households")
#: A suppressed value in a published table ('[x]', '[u1]', '[c]', '[z]', '[low]').
SUPPRESSED: Final = re.compile(r"^\s*\[(x|u|c|z|low)\d*\]\s*$", re.IGNORECASE)


def _find_measure(columns: Iterable[str], names: Sequence[str], prefixes: Sequence[str]) -> str | None:
    """The column named one of ``names``, else the first whose cleaned name starts with one of ``prefixes``."""
    columns = list(columns)
    return find_column(columns, names) or next(
        (c for c in columns if header_key(c).startswith(tuple(prefixes))), None
    )


def load_population_table(
    path: str | Path,
    *,
    column: str | None = None,
    sheet: str | int | None = None,
    report: LoadReport | None = None,
) -> pd.DataFrame:
    """Read a per-partnership population (or households) table.

    Parameters
    ----------
    path
        CSV or XLSX with one row per partnership. Recognised headers (any case, line breaks and
        ``[note N]`` tags ignored): the name from ``partnership``, ``community safety partnership name``,
        ``area_name``, ``la_name``, ``name``, ``area``, ``csp``, ``geography``; the value from
        ``population``, ``pop``, ``households``, ``geography_total``, or a header starting
        ``Population figures`` / ``Household figures`` (the ONS workbook's table C4). The header may
        be below titles and notes, and in any sheet of a workbook (the first that has it).
    column
        The value column to read when the file has several (e.g. ``"households"``).
    sheet
        The worksheet of an Excel file (default: the first that has the columns).
    report
        When given, receives the file's FileReport: accepted rows, and rejected rows with their
        reasons (no name: force totals and blank rows; suppressed or non-numeric value; not above 0;
        above :data:`csp_data.io.population.MAX_AREA_VALUE`).

    Returns
    -------
    pandas.DataFrame
        ``partnership, population`` (value column named ``households`` when it was a households
        column); with ``column`` unset and both a population and a household column (table C4),
        ``partnership, population, households``. Numbers as float; names stripped; rejected rows left
        out (a partnership without a row has no population: its rates are "n/a").

    Raises
    ------
    ValueError
        Naming the file and the columns found when no name or value column is recognised, or a name repeats.
    """
    file = Path(path)
    if not file.exists():
        raise ValueError(f"{file}: population file not found")

    def columns_of(columns: list[str]) -> tuple[str | None, str | None, str | None]:
        name = find_column(columns, PARTNERSHIP_NAMES)
        pop = _find_measure(columns, POPULATION_NAMES, _POPULATION_PREFIXES)
        hh = _find_measure(columns, HOUSEHOLD_NAMES, _HOUSEHOLD_PREFIXES)
        if column is not None:
            measure = {"population": pop, "households": hh}.get(header_key(column))
            value = measure or find_column(columns, (header_key(column),))
        else:
            # Census tables: the total column, e.g. QS405EW "Tenure: All categories: Tenure; measures: Value"
            value = pop or hh or next((c for c in columns if header_key(c).startswith("tenure: all categories")), None)
        return name, value, hh if column is None and value == pop else None

    fr = FileReport(str(file), "population table")
    try:
        raw = read_table_at_header(
            file, fr, lambda cells: None not in columns_of(cells)[:2], sheet=sheet,
            prefer=lambda cells: find_column(cells, _CSP_NAMES) is not None,
        )
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{file}: cannot read ({exc})") from exc
    name_col, value_col, hh_col = columns_of(list(raw.columns))
    if column is not None and value_col is None:
        raise ValueError(f"{file}: no column {column!r}; found {list(raw.columns)}")
    if name_col is None or value_col is None:
        what = "name" if name_col is None else "population"
        raise ValueError(
            f"{file}: no {what} column recognised; found {list(raw.columns)}; expected `partnership,population` "
            "(or variants such as `area_name,pop`, `la_name,population`)"
        )
    key = header_key(value_col)
    is_households = value_col == _find_measure([value_col], HOUSEHOLD_NAMES, _HOUSEHOLD_PREFIXES) or key.startswith(
        "tenure:"
    )
    out_col = "households" if is_households else "population"
    fr.kind = f"{out_col} table" + (" (with households)" if hh_col else "")
    rows = raw.index.to_numpy()
    names = raw[name_col].astype("string").str.strip()
    names = names.mask(names == "", pd.NA)
    values, suppressed, bad = _table_numbers(raw[value_col])
    no_name = names.isna().to_numpy()
    reject(fr, no_name, "no partnership name (a total or blank row)", rows=rows, column=name_col, found=names)
    reject(fr, suppressed & ~no_name, "suppressed value ([x], [u]): not available", rows=rows, column=value_col,
           found=raw[value_col])
    reject(fr, bad & ~no_name, "non-numeric value", rows=rows, column=value_col, found=raw[value_col],
           expected="a number")
    blank = values.isna().to_numpy() & ~no_name & ~suppressed & ~bad
    reject(fr, blank, "missing value", rows=rows, column=value_col, found=raw[value_col], expected="a number")
    ok = ~no_name & ~suppressed & ~bad & values.notna().to_numpy()
    ok &= ~reject_implausible(fr, values, ok, rows=rows, column=value_col, found=raw[value_col], measure=out_col)
    out = pd.DataFrame({"partnership": names, out_col: values.astype("float64")})
    if hh_col is not None:
        households, hh_suppressed, hh_bad = _table_numbers(raw[hh_col])
        wrong = ok & ~hh_suppressed & ~hh_bad & households.notna().to_numpy()
        numbers = households.to_numpy(dtype="float64", na_value=np.nan)
        wrong &= (numbers <= 0) | (numbers > MAX_AREA_VALUE)
        for label, mask in (("households not available ([x])", ok & hh_suppressed),
                            ("households not a number", ok & hh_bad),
                            (f"households not above 0 or above {MAX_AREA_VALUE:,}: households left blank", wrong)):
            if mask.any():
                fr.notes[label] += int(mask.sum())
                for row in rows[mask][:5]:
                    fr.issues.append(LoadIssue(str(file), f"{label}: found {raw.at[row, hh_col]!r}", row=int(row),
                                               column=hh_col, severity="warning"))
        out["households"] = households.mask(wrong).astype("float64")
    out = out[ok]
    dup = name_keys(out["partnership"]).duplicated(keep=False)
    if dup.any():
        first = out.index[dup][0]
        raise ValueError(
            f"{file}: row {int(first)}, column {name_col!r}: partnership {out.loc[first, 'partnership']!r} "
            "appears more than once; expected one row per partnership"
        )
    fr.accepted = len(out)
    if report is not None:
        report.files.append(fr)
    return out.reset_index(drop=True)


def _table_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(numbers, suppressed, not a number) for a column of a published table ('1,234', '[x]', '[u1]')."""
    text = values.astype("string").str.strip()
    text = text.mask(text == "", pd.NA)
    suppressed = text.str.match(SUPPRESSED).fillna(False).to_numpy(dtype=bool)
    numbers = pd.to_numeric(text.str.replace(",", "", regex=False).mask(suppressed), errors="coerce")
    bad = (numbers.isna() & text.notna()).to_numpy(dtype=bool) & ~suppressed
    return numbers.astype("float64"), suppressed, bad


__all__ = [
    "HOUSEHOLD_NAMES",
    "PARTNERSHIP_NAMES",
    "POPULATION_NAMES",
    "SUPPRESSED",
    "find_column",
    "load_population_table",
]
