"""Comparator tables from files: iQuanta-style long or wide tables, the ONS CSP workbook, peer groups.

Headers are found below titles and notes with :mod:`csp_data.io.headers`; column names are matched with
:func:`csp_data.io.partnership_tables.find_column`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from csp_data.comparators.tables import name_key, with_partnership
from csp_data.groups import ALL_CRIME, load_crime_groups
from csp_data.io.headers import find_header_row, header_key, read_table_at_header
from csp_data.io.partnership_tables import (
    HOUSEHOLD_NAMES,
    PARTNERSHIP_NAMES,
    POPULATION_NAMES,
    SUPPRESSED,
    find_column,
)
from csp_data.io.toml import read_toml
from csp_data.model import FileReport, LoadIssue, LoadReport
from csp_data.periods import add_months, to_month
from csp_data.schema import COMPARATOR_COLUMNS, conform

#: ONS / iQuanta offence columns -> base crime groups of the shipped crime-groups config.
#: "Theft offences" and "Violence against the person" sub-categories are left out where a finer split
#: exists (they would double count); see ``_ONS_AGGREGATES``.
ONS_GROUPS: Final[dict[str, str]] = {
    "violence against the person": "Violence and sexual offences",
    "sexual offences": "Violence and sexual offences",
    "robbery": "Robbery",
    "burglary": "Burglary",
    "vehicle offences": "Vehicle crime",
    "theft from the person": "Theft from the person",
    "bicycle theft": "Bicycle theft",
    "shoplifting": "Shoplifting",
    "all other theft offences": "Other theft",
    "other theft offences": "Other theft",
    "criminal damage and arson": "Criminal damage and arson",
    "drug offences": "Drugs",
    "possession of weapons offences": "Possession of weapons",
    "public order offences": "Public order",
    "miscellaneous crimes against society": "Other crime",
    "miscellaneous crimes": "Other crime",
}
#: Sub-totals and sub-categories in ONS tables: not base groups (kept out to avoid double counting).
_ONS_PARTS: Final = {
    "homicide",
    "death or serious injury caused by illegal driving",
    "death or serious injury - unlawful driving",
    "violence with injury",
    "violence without injury",
    "stalking and harassment",
    "residential burglary",
    "non-residential burglary",
}
_MONTHS: Final = {m.lower(): i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
)}


_GROUP_NAMES: Final = ("crime_group", "crime group", "offence group", "offence", "crime type", "crime_type",
                       "group", "category")
_COUNT_NAMES: Final = ("count", "offences", "crimes", "number", "value", "recorded crime")


def _parse_period(value: object) -> tuple[pd.Timestamp, int] | None:
    """(last month, months covered) for '2021-03', 'Mar 2021', '2021 Q3', 'Q3 2021', '2021/22 Q3',
    'Oct-Dec 2021', 'YE Dec 2024', 'year ending December 2024'. Calendar quarters unless written as a
    financial year ('2021/22 Q3' = Oct-Dec 2021)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return to_month(pd.Timestamp(value)), 1
    text = " ".join(str(value).split()).strip()
    low = text.casefold()
    m = re.fullmatch(r"(\d{4})\s*/\s*(\d{2,4})\s*q([1-4])", low)
    if m:
        start = pd.Timestamp(year=int(m.group(1)), month=4, day=1)
        return add_months(start, 3 * (int(m.group(3)) - 1) + 2), 3
    m = re.fullmatch(r"(\d{4})\s*[- ]?\s*q([1-4])", low) or re.fullmatch(r"q([1-4])\s*[- ]?\s*(\d{4})", low)
    if m:
        a, b = m.group(1), m.group(2)
        year, q = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
        return pd.Timestamp(year=year, month=3 * q, day=1), 3
    m = re.fullmatch(r"(?:ye|year ending)\s+([a-z]+)\s+(\d{4})", low)
    if m and m.group(1)[:3] in _MONTHS:
        return pd.Timestamp(year=int(m.group(2)), month=_MONTHS[m.group(1)[:3]], day=1), 12
    m = re.fullmatch(r"([a-z]{3})[a-z]*\s*[-–]\s*([a-z]{3})[a-z]*\s+(\d{4})", low)
    if m and m.group(1) in _MONTHS and m.group(2) in _MONTHS:
        a, b = _MONTHS[m.group(1)], _MONTHS[m.group(2)]
        span = (b - a) % 12 + 1
        return pd.Timestamp(year=int(m.group(3)), month=b, day=1), span
    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError):
        return None
    if pd.isna(ts):
        return None
    return to_month(ts), 1


def _report(path: Path, kind: str) -> FileReport:
    return FileReport(path=str(path), kind=kind)


def _numbers(values: pd.Series, column: str, fr: FileReport, file: Path, row_offset: int) -> pd.Series:
    """Numbers from a messy column: '[x]', '[u]', '[c]' -> NaN with a note; text -> NaN with an issue."""
    text = values.astype("string").str.strip()
    suppressed = text.str.match(SUPPRESSED).fillna(False).astype(bool)
    nums = pd.to_numeric(text.str.replace(",", "", regex=False).where(~suppressed), errors="coerce")
    bad = nums.isna() & text.notna() & ~suppressed & (text.str.len() > 0)
    if suppressed.any():
        fr.notes[f"suppressed value ([x]/[u]) read as not available: {column}"] += int(suppressed.sum())
    if bad.any():
        fr.notes[f"not a number, read as not available: {column}"] += int(bad.sum())
        for idx in values.index[bad][:5]:
            fr.issues.append(
                LoadIssue(str(file), f"expected a number, found {values[idx]!r}; read as not available",
                          row=int(idx) + row_offset, column=column, severity="warning")
            )
    return nums.astype("float64")


def _wide_to_long(
    frame: pd.DataFrame,
    name_col: str,
    crime_cols: dict[str, str],
    fr: FileReport,
    file: Path,
    row_offset: int,
) -> pd.DataFrame:
    """Melt offence columns (already mapped to groups) into partnership, crime_group, count (per row)."""
    parts = []
    for col, grp in crime_cols.items():
        parts.append(pd.DataFrame({
            "_row": frame.index,
            "partnership": frame[name_col].astype("string").str.strip(),
            "crime_group": grp,
            "count": _numbers(frame[col], header_key(col), fr, file, row_offset),
        }))
    long = pd.concat(parts, ignore_index=True)
    # two source columns can feed one group (violence + sexual offences): NaN if either is NaN
    agg = long.groupby(["_row", "partnership", "crime_group"], sort=False)["count"].agg(
        lambda s: s.sum() if s.notna().all() else np.nan
    )
    return agg.reset_index()


def _offence_columns(columns: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Offence columns -> groups; and the columns left unmapped (sub-categories, totals)."""
    mapped: dict[str, str] = {}
    total_col = None
    for c in columns:
        h = header_key(c)
        if h in ONS_GROUPS:
            mapped[c] = ONS_GROUPS[h]
        elif h.startswith("total record"):
            total_col = c
    split_theft = any(ONS_GROUPS.get(header_key(c)) == "Shoplifting" for c in mapped)
    unmapped = [c for c in columns if header_key(c) == "theft offences" and not split_theft]
    if total_col is not None:
        # the total is used as All crime only where the split is incomplete (it always is without burglary)
        complete = {"Burglary", "Vehicle crime", "Shoplifting", "Other theft"} <= set(mapped.values())
        if not complete:
            mapped[total_col] = ALL_CRIME
    for c in unmapped:
        mapped[c] = "Theft offences"
    return mapped, [c for c in columns if c not in mapped]


def _ons_workbook(file: Path) -> tuple[pd.DataFrame, LoadReport] | None:
    """The ONS 'police force area tables' workbook: CSP count tables and the C4 denominators.

    Returns None when the workbook has no CSP tables (then the generic loader tries it).
    """
    book = pd.ExcelFile(file)
    counts: list[pd.DataFrame] = []
    denoms: pd.DataFrame | None = None
    report = LoadReport()
    for sheet_name in book.sheet_names:
        sheet = str(sheet_name)
        raw = pd.read_excel(book, sheet_name=sheet, header=None)
        if raw.empty:
            continue
        title = " ".join(str(raw.iloc[0, 0]).split())
        header_row = find_header_row(
            raw.itertuples(index=False, name=None),
            lambda cells: "community safety partnership name" in [c.casefold() for c in cells],
        )
        if header_row is None:
            continue
        header = [str(v) for v in raw.iloc[header_row].tolist()]
        body = raw.iloc[header_row + 1:].reset_index(drop=True)
        body.columns = header
        row_offset = header_row + 2  # body index 0 is spreadsheet row header_row + 2 (1-based)
        name_col = find_column(header, ("community safety partnership name",))
        code_col = find_column(header, ("community safety partnership code",))
        assert name_col is not None
        low_title = title.casefold()
        pop_col = next((c for c in header if header_key(c).startswith("population figures")), None)
        hh_col = next((c for c in header if header_key(c).startswith("household figures")), None)
        fr = _report(file, f"ONS CSP table ({sheet.strip()})")
        csp = body[name_col].astype("string").str.strip()
        code = body[code_col].astype("string").str.strip() if code_col else pd.Series(pd.NA, index=body.index)
        is_csp = csp.notna() & code.notna() & code.str.match(r"^[EW]\d{8}$").fillna(False)
        force_total = csp.isna() & body.iloc[:, 0].notna()
        unassigned = csp.notna() & ~is_csp
        if pop_col is not None:
            if denoms is None:
                sub = body[is_csp]
                denoms = pd.DataFrame({
                    "partnership": csp[is_csp],
                    "population": _numbers(sub[pop_col], "population", fr, file, row_offset),
                    "households": _numbers(sub[hh_col], "households", fr, file, row_offset)
                    if hh_col else np.nan,
                })
                fr.accepted = int(is_csp.sum())
                fr.notes["rates table: only its population and household denominators are used"] += 1
                m = re.search(r"population figures\s*\((mid-\d{4})\)", header_key(pop_col))
                if m:
                    report.notes.append(
                        f"{file.name}: populations are {m.group(1)} estimates (rounded to 100) and are applied to "
                        "every year's counts."
                    )
                report.files.append(fr)
            continue
        crime_cols, _unused = _offence_columns(header)
        if not crime_cols or "percentage change" in low_title or "rate per" in low_title:
            continue  # lists of local authorities, % changes, rates: not counts
        m = re.search(r"year ending ([a-z]+) (\d{4})", low_title)
        if not m or m.group(1)[:3] not in _MONTHS:
            fr.issues.append(LoadIssue(str(file), f"sheet {sheet!r}: no 'year ending <month> <year>' in its title "
                                                  "so its period is unknown; skipped", severity="warning"))
            report.files.append(fr)
            continue
        end = pd.Timestamp(year=int(m.group(2)), month=_MONTHS[m.group(1)[:3]], day=1)
        fr.notes["police force area total rows skipped"] += int(force_total.sum())
        if unassigned.any():
            fr.notes["rows without a CSP code skipped ('Unassigned', airports)"] += int(unassigned.sum())
        sub = body[is_csp]
        long = _wide_to_long(sub, name_col, crime_cols, fr, file, row_offset)
        long["month"] = end
        long["period_months"] = 12
        # check: the base groups add up to the published total
        total_col = next((c for c in header if header_key(c).startswith("total recorded crime")), None)
        if total_col is not None:
            tot = _numbers(sub[total_col], "total", FileReport("", ""), file, row_offset)
            summed = long.groupby("_row")["count"].sum(min_count=1)
            diff = (summed.reindex(sub.index) - tot).abs() > 0.5
            if diff.any():
                fr.notes["offence groups do not add up to the published total"] += int(diff.sum())
        neg = long["count"] < 0
        if neg.any():
            fr.notes["negative counts kept as published (ONS note 3: transfers/cancellations)"] += int(neg.sum())
        fr.accepted = int(is_csp.sum())
        counts.append(long.drop(columns="_row"))
        report.files.append(fr)
        report.notes.append(
            f"{file.name} {sheet.strip()}: {fr.accepted} CSPs, year ending {end.strftime('%B %Y')}, entered as "
            f"12-month totals at {end.strftime('%b %Y')} (police recorded crime, not police.uk street counts)."
        )
    if not counts:
        return None
    out = pd.concat(counts, ignore_index=True)
    if denoms is not None:
        out = out.merge(denoms, on="partnership", how="left")
    return conform(out, COMPARATOR_COLUMNS), report


def load_comparator_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    period_end: str | pd.Timestamp | None = None,
    period_months: int = 12,
) -> tuple[pd.DataFrame, LoadReport]:
    """Load comparator counts from an iQuanta-style table or the ONS CSP workbook.

    Parameters
    ----------
    path
        * Long CSV/XLSX: ``partnership`` (or ``csp``, ``area_name`` …), ``month`` (``2021-03``, ``Mar 2021``)
          or ``quarter`` (``2021 Q3`` calendar, ``2021/22 Q3`` financial = Oct–Dec 2021) or ``period``
          (also ``YE Dec 2024``), ``crime_group`` (or ``crime group``, ``offence group``, ``crime type``),
          ``count`` (or ``offences``, ``crimes``), ``population`` and optionally ``households``.
        * Wide CSV/XLSX: one row per area and one column per ONS offence group (``Robbery``,
          ``Vehicle offences`` …), mapped to base groups with :data:`ONS_GROUPS`.
        * The ONS workbook "police force area tables" (tables C2, C5 counts, C4 denominators).
    sheet
        Sheet of an XLSX long/wide table (default the first).
    period_end, period_months
        For a table that does not state its period (no month/quarter column): the last month its
        counts cover and how many months they cover.

    Returns
    -------
    (DataFrame, LoadReport)
        schema.COMPARATOR_COLUMNS (``month`` = period end, ``period_months`` = months covered) and what
        happened: suppressed values ([x], [u]) become NaN with a note; totals and unassigned rows are
        skipped and counted.

    Raises
    ------
    ValueError
        Naming the file and the columns found when it cannot be used at all (no partnership column, no
        period and no ``period_end``, no count column or offence columns, unreadable).
    """
    file = Path(path)
    if not file.exists():
        raise ValueError(f"{file}: comparator file not found")
    suffix = file.suffix.lower()
    if suffix in (".xlsx", ".xlsm") and sheet is None:
        try:
            res = _ons_workbook(file)
        except (OSError, ValueError, KeyError) as exc:
            raise ValueError(f"{file}: cannot read the workbook ({exc})") from exc
        if res is not None:
            return res
    fr = _report(file, "comparator table")
    report = LoadReport(files=[fr])

    def is_header(cells: list[str]) -> bool:
        if find_column(cells, PARTNERSHIP_NAMES) is None:
            return False
        has_long = find_column(cells, _GROUP_NAMES) is not None and find_column(cells, _COUNT_NAMES) is not None
        return has_long or bool(_offence_columns(cells)[0])

    try:
        raw = read_table_at_header(file, fr, is_header, sheet=sheet)
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{file}: cannot read ({exc})") from exc
    row_offset = 0  # the index already holds the 1-based data-row numbers
    name_col = find_column(raw.columns, PARTNERSHIP_NAMES)
    if name_col is None:
        raise ValueError(
            f"{file}: no partnership column; found {list(raw.columns)}; expected one of "
            f"{list(PARTNERSHIP_NAMES[:6])}"
        )
    period_col = find_column(raw.columns, ("month", "quarter", "period", "period_end", "date", "year ending"))
    group_col = find_column(raw.columns, _GROUP_NAMES)
    count_col = find_column(raw.columns, _COUNT_NAMES)
    pop_col = find_column(raw.columns, POPULATION_NAMES)
    hh_col = find_column(raw.columns, HOUSEHOLD_NAMES)
    if group_col is not None and count_col is not None:
        long = pd.DataFrame({
            "_row": raw.index,
            "partnership": raw[name_col].astype("string").str.strip(),
            "crime_group": raw[group_col].astype("string").str.strip(),
            "count": _numbers(raw[count_col], count_col, fr, file, row_offset),
        })
        groups = load_crime_groups()
        known = {g.casefold(): g for g in groups.names()}
        known.update({k: v for k, v in ONS_GROUPS.items()})
        known["all crime"] = ALL_CRIME
        known["total recorded crime"] = ALL_CRIME
        long["crime_group"] = long["crime_group"].map(
            lambda g: known.get(header_key(g), groups.group_of(str(g)) or g) if pd.notna(g) else g
        )
    else:
        crime_cols, _ = _offence_columns(list(raw.columns))
        if not crime_cols:
            raise ValueError(
                f"{file}: no crime group and count columns and no offence columns recognised; found "
                f"{list(raw.columns)}; expected `partnership, month, crime_group, count, population` or one "
                "column per offence group (e.g. 'Robbery', 'Vehicle offences')"
            )
        long = _wide_to_long(raw, name_col, crime_cols, fr, file, row_offset)
        if "Theft offences" in set(long["crime_group"]):
            fr.notes["'Theft offences' kept as its own group (the table does not split it)"] += 1
    if period_col is not None:
        parsed = pd.Series([_parse_period(v) for v in raw[period_col].tolist()], index=raw.index, dtype=object)
        bad = parsed.isna()
        if bad.any():
            for idx in raw.index[bad][:5]:
                fr.issues.append(LoadIssue(str(file), f"expected a month or quarter, found {raw.at[idx, period_col]!r}",
                                           row=int(idx) + row_offset, column=period_col))
            fr.reasons[f"unreadable {period_col}"] += int(bad.sum())
        ends = parsed.map(lambda v: v[0] if v else pd.NaT)
        spans = parsed.map(lambda v: v[1] if v else pd.NA)
        long["month"] = long["_row"].map(ends)
        long["period_months"] = long["_row"].map(spans)
    elif period_end is not None:
        long["month"] = to_month(period_end)
        long["period_months"] = int(period_months)
        report.notes.append(
            f"{file.name} states no period: its counts are taken as the {period_months} months to "
            f"{to_month(period_end).strftime('%b %Y')} as instructed."
        )
    else:
        raise ValueError(
            f"{file}: no month, quarter or period column (found {list(raw.columns)}), so the period these counts "
            "cover is unknown; add a `month` or `quarter` column, or pass period_end='YYYY-MM' (and "
            "period_months) when you know it"
        )
    for col, src in (("population", pop_col), ("households", hh_col)):
        long[col] = long["_row"].map(_numbers(raw[src], src, fr, file, row_offset)) if src else np.nan
    if pop_col is None:
        report.notes.append(f"{file.name} has no population column: rates need one (see --population).")
    no_name = long["partnership"].isna() | (long["partnership"].str.len() == 0)
    bad_rows = no_name | long["month"].isna()
    if no_name.any():
        fr.reasons["no partnership name"] += int(raw.index.isin(long.loc[no_name, "_row"]).sum())
    dropped = int(raw.index.isin(long.loc[bad_rows, "_row"]).sum())
    fr.rejected += dropped  # after any rows the reading itself rejected (wrong number of fields)
    fr.accepted = len(raw) - dropped
    long = long[~bad_rows]
    dup = long.duplicated(["partnership", "month", "period_months", "crime_group"], keep="first")
    if dup.any():
        first = long[dup].iloc[0]
        raise ValueError(
            f"{file}: row {int(first['_row']) + row_offset}: {first['partnership']!r}, {first['crime_group']!r}, "
            f"{pd.Timestamp(first['month']).strftime('%Y-%m')} appears more than once; expected one count per "
            "partnership, period and crime group"
        )
    return conform(long.drop(columns="_row"), COMPARATOR_COLUMNS), report


def load_peer_groups(path: str | Path, *, partnership: str | None = None) -> dict[str, list[str]]:
    """Peer groups from a TOML file.

    Either one set of groups for the partnership being analysed::

        [peer_groups]
        msg = ["Dacorum", "Hertsmere", ...]
        county = ["Broxbourne", ...]

    or one set per partnership (membership need not be symmetric: A may list B while B does not list A)::

        [peer_groups."Dacorum"]
        msg = [...]

    Parameters
    ----------
    path
        The TOML file (config/peer_groups.example.toml shows the format).
    partnership
        Needed for the per-partnership form; when given, it is also put first in every group
        (the partnership is always in its own group).

    Raises
    ------
    ValueError
        Naming the file and the entry when the file is missing, not TOML, has no ``[peer_groups]`` table,
        a group is not a list of names, or the partnership has no section.
    """
    file = Path(path)
    raw = read_toml(file, what="peer-groups file")
    table = raw.get("peer_groups")
    if not isinstance(table, dict) or not table:
        raise ValueError(f"{file}: no [peer_groups] table; expected e.g. `[peer_groups]` with `msg = [\"A\", \"B\"]`")
    nested = {k: v for k, v in table.items() if isinstance(v, dict)}
    if nested:
        if partnership is None:
            raise ValueError(
                f"{file}: peer groups are given per partnership ({', '.join(nested)}); say which partnership"
            )
        match = {name_key(k): v for k, v in nested.items()}.get(name_key(partnership))
        if match is None:
            raise ValueError(f"{file}: no [peer_groups.{partnership!r}] section; found {list(nested)}")
        table = match
    out: dict[str, list[str]] = {}
    for name, members in table.items():
        if isinstance(members, dict):
            continue
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise ValueError(f"{file}: peer group {name!r} must be a list of partnership names, found {members!r}")
        names = [m.strip() for m in members if m.strip()]
        out[str(name)] = with_partnership(names, partnership) if partnership else names
    return out


__all__ = [
    "ONS_GROUPS",
    "load_comparator_table",
    "load_peer_groups",
]
