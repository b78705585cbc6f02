"""Comparator tables built from police.uk incidents, partnership names and area totals.

Partnership names are matched across files by :func:`name_key` (case-, space- and '&'-insensitive).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np
import pandas as pd

from csp_data.aggregate import count_by, frame_engine
from csp_data.areas import partnership_from_lsoa_name
from csp_data.groups import CrimeGroups, load_crime_groups
from csp_data.schema import COMPARATOR_COLUMNS, conform


def name_key(name: object) -> str:
    """Key used to match partnership names across files: case-, space- and '&'-insensitive."""
    text = " ".join(str(name).replace("&", " and ").split()).casefold()
    return text


def name_keys(names: pd.Series) -> pd.Series:
    """:func:`name_key` of every value of ``names``, worked out once per distinct value.

    The same values and dtype as ``names.map(name_key)`` (missing values are keyed one by one, so that
    ``None`` and ``NaN`` keep their own keys), without a Python call per row: comparator tables repeat
    each partnership's name on thousands of rows.

    Examples
    --------
    >>> name_keys(pd.Series(["Peer A", "peer  a", "A & B"], dtype="string")).tolist()
    ['peer a', 'peer a', 'a and b']
    """
    codes, uniques = pd.factorize(names)
    keys = np.array([name_key(u) for u in uniques] + [""], dtype=object)
    out = keys[codes]  # code -1 (a missing value) picks the placeholder, replaced below
    missing = codes == -1
    if missing.any():
        out[missing] = [name_key(v) for v in names[missing]]
    dtype = names.dtype if isinstance(names.dtype, pd.StringDtype) else "str" if len(names) else names.map(name_key).dtype
    return pd.Series(out, index=names.index, name=names.name, dtype=dtype)


def with_partnership(members: Iterable[str], partnership: str) -> list[str]:
    """``members`` with ``partnership`` first and no duplicates (the partnership is always in its group)."""
    out = [partnership]
    seen = {name_key(partnership)}
    for m in members:
        k = name_key(m)
        if k and k not in seen:
            out.append(str(m).strip())
            seen.add(k)
    return out


def parse_names(text: str | None) -> list[str]:
    """'A; B;C' -> ['A', 'B', 'C'] (the CLI's --peers / --county lists)."""
    if not text:
        return []
    return [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]


def area_total(
    areas: pd.DataFrame | None, column: str, *, selected: Sequence[str] = (), word: str | None = None
) -> tuple[float | None, str]:
    """The total ``column`` ("population" or "households") of the areas, with why it is missing.

    The one rule for "has a population" (Trends and Priorities): a total is valid only when every area
    counted (``selected`` area codes, or all areas when empty) has a valid value (a number > 0);
    otherwise it is None and the reason names the areas without one.

    Returns
    -------
    tuple
        (total, "") or (None, reason), e.g. "population missing for 1 of 3 areas (East Ward)".

    Examples
    --------
    >>> a = pd.DataFrame({"area_code": ["N", "S", "E"], "area_name": ["North", "South", "East"],
    ...                   "population": [1000.0, 2000.0, None]})
    >>> area_total(a, "population")
    (None, 'population missing for 1 of 3 areas (East)')
    >>> area_total(a, "population", selected=["N", "S"])
    (3000.0, '')
    """
    word = word or column
    if areas is None or len(areas) == 0 or column not in areas.columns:
        return None, f"no {word} loaded"
    frame = areas
    if selected:
        codes = frame["area_code"].astype("string")
        frame = frame[codes.isin([str(c) for c in selected]).fillna(False).astype(bool)]
        if len(frame) == 0:
            return None, f"none of the selected areas is in the boundaries, so no {word}"
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = ~(values > 0) | ~np.isfinite(values.fillna(0))
    if not bad.any():
        return float(values.sum()), ""
    if bad.all() and not selected and values.isna().all():
        return None, f"no {word} loaded"
    names = frame.get("area_name", frame.get("area_code", pd.Series(dtype="string")))
    codes = frame.get("area_code", names)
    shown = [str(n) if pd.notna(n) and str(n).strip() else str(c)
             for n, c in zip(names[bad], codes[bad], strict=True)]
    listed = ", ".join(shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")
    return None, f"{word} missing for {int(bad.sum())} of {len(frame)} areas ({listed})"


def _value_lookup(table: pd.DataFrame | None, column: str) -> dict[str, float]:
    if table is None or len(table) == 0:
        return {}
    if "partnership" not in table.columns:
        raise ValueError(f"{column} table: expected a 'partnership' column, found {list(table.columns)}")
    value_col = column if column in table.columns else ("population" if "population" in table.columns else None)
    if value_col is None:
        raise ValueError(f"{column} table: expected a {column!r} column, found {list(table.columns)}")
    values = pd.to_numeric(table[value_col], errors="coerce")
    return {name_key(p): float(v) for p, v in zip(table["partnership"], values, strict=True) if pd.notna(v)}


#: A partnership with fewer rows per resident than 1/``_PARTIAL_RATIO`` of the best-covered one's is partial.
_PARTIAL_RATIO: Final = 20


def _partial_partnerships(rows: pd.DataFrame, pop: dict[str, float]) -> tuple[set[str], str | None]:
    """Partnerships whose counts are evidently partial, and the note naming them.

    Partnerships nest in police force areas, so a force's files cover its own partnerships in full and
    its neighbours only by the few crimes it recorded near the border (Gwent's 36 months: Newport 11.25
    rows per 1,000 residents a month, Cardiff 0.03). Rows per 1,000 residents a month, over the months
    of ``rows``, are compared with those of the partnership with the most rows (certainly a force's own):
    under 1/20 of it is partial. Complete partnerships differ far less (Gwent's five: 6.0 to 11.3;
    Hertfordshire's ten within a factor 2); Gwent's strays are over 100 times lower. ``rows`` holds
    ``partnership`` (one spelling per partnership), ``month`` and ``n``; ``pop`` maps name keys to
    populations. A partnership with a population of 0 is never partial here.
    """
    totals = rows.groupby("partnership")["n"].sum().sort_values(ascending=False, kind="stable")
    months = rows["month"].nunique()
    people = pd.Series([pop.get(name_key(p), np.nan) for p in totals.index], index=totals.index, dtype="float64")
    with np.errstate(divide="ignore"):
        rate = totals / people / months * 1000
    rate = rate[rate.notna()]
    finite = rate[np.isfinite(rate)]
    if finite.empty:
        return set(), None
    best, best_rate = str(finite.index[0]), float(finite.iloc[0])
    partial = rate[rate * _PARTIAL_RATIO < best_rate]
    if partial.empty:
        return set(), None
    listed = ", ".join(
        f"{p} ({totals[p]:,} rows, {f'{r:.2f}' if r >= 0.005 else 'under 0.01'} per 1,000 a month)"
        for p, r in partial.head(10).items()
    )
    note = (
        f"Not used as comparators: {len(partial)} partnership{'s' if len(partial) > 1 else ''} whose counts in the "
        f"incident files are evidently partial (under 1/{_PARTIAL_RATIO} of the rows per resident of {best}, "
        f"{best_rate:.2f} per 1,000 residents a month; a force's files cover its own partnerships in full, its "
        f"neighbours only by a few crimes near the border): {listed}" + (f" and {len(partial) - 10} more." if len(partial) > 10 else ".")
    )
    return {name_key(p) for p in partial.index}, note


def comparators_from_incidents(
    incidents_all: pd.DataFrame,
    population: pd.DataFrame,
    households: pd.DataFrame | None = None,
    *,
    groups: CrimeGroups | None = None,
    partnerships: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Comparator table from police.uk rows covering several partnerships.

    Parameters
    ----------
    incidents_all
        Canonical incidents (``partnership``, ``month``, ``crime_group``) or raw police.uk rows
        (``LSOA name``, ``Month``, ``Crime type``); the partnership is the LSOA name minus its code.
    population
        ``partnership, population`` (see :func:`csp_data.io.partnership_tables.load_population_table`).
    households
        ``partnership, households`` (or ``population``) for per-household rates; optional.
    groups
        Crime-group config used when rows have a crime type but no group.
    partnerships
        Partnerships to keep (kept even without a population, whatever their coverage). By default the
        partnerships that have a population and are covered in full (:func:`_partial_partnerships`): a
        force's files also hold a few crimes of its neighbours (Barnet, Luton), whose partial counts must
        not pass as their totals.

    Returns
    -------
    pandas.DataFrame
        schema.COMPARATOR_COLUMNS, one row per partnership × month × base group, with zero counts for
        groups with no crime in a month the partnership has data for (a month with no rows at all for a
        partnership is absent, i.e. unknown). ``period_months`` is 1. ``attrs["notes"]`` lists what was
        left out.
    """
    frame = incidents_all
    if "partnership" in frame.columns and frame["partnership"].notna().any():
        part = frame["partnership"].astype("string")
    elif "lsoa_name" in frame.columns or "LSOA name" in frame.columns:
        part = partnership_from_lsoa_name(frame["lsoa_name" if "lsoa_name" in frame.columns else "LSOA name"])
    else:
        raise ValueError(
            "incidents_all: needs a 'partnership' column or an LSOA name column ('lsoa_name' / 'LSOA name'), "
            f"found {list(frame.columns)}"
        )
    month_col = "month" if "month" in frame.columns else "Month" if "Month" in frame.columns else None
    if month_col is None:
        raise ValueError(f"incidents_all: no 'month' column, found {list(frame.columns)}")
    month = pd.to_datetime(frame[month_col], errors="coerce")
    if groups is None:
        groups = load_crime_groups()
    if "crime_group" in frame.columns:
        group = frame["crime_group"].astype("string")
    elif "crime_type" in frame.columns or "Crime type" in frame.columns:
        group = groups.assign(frame["crime_type" if "crime_type" in frame.columns else "Crime type"].astype("string"))
    else:
        raise ValueError(f"incidents_all: needs 'crime_group' or a crime type column, found {list(frame.columns)}")
    rows = pd.DataFrame({"partnership": part, "month": month.dt.to_period("M").dt.to_timestamp(),
                         "crime_group": group})
    # counted by the engine, the one counting path (csp_data.aggregate)
    counts = count_by(None, ["partnership", "month", "group"], groups=groups,
                      engine=frame_engine(rows, ["partnership", "month", "crime_group"])).rename(
        columns={"group": "crime_group"})
    return comparators_from_counts(counts, population, households, groups=groups, partnerships=partnerships)


def comparators_from_counts(
    counts: pd.DataFrame,
    population: pd.DataFrame,
    households: pd.DataFrame | None = None,
    *,
    groups: CrimeGroups | None = None,
    partnerships: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Comparator table from incident counts by ``partnership, month, crime_group`` (column ``count``).

    The same result as :func:`comparators_from_incidents` on the rows the counts were made from (which
    calls this), for counts computed elsewhere, e.g. by the DuckDB engine over a national Parquet store.
    Rows with no partnership or month are not counted; a null ``crime_group`` is counted as the last
    base group (noted). Without ``partnerships``, partnerships whose counts are evidently partial are left
    out and named in ``attrs["notes"]`` (:func:`_partial_partnerships`); over a national store every
    partnership is covered in full and none is.
    """
    if groups is None:
        groups = load_crime_groups()
    missing = [c for c in ("partnership", "month", "crime_group", "count") if c not in counts.columns]
    if missing:
        raise ValueError(f"counts: missing column(s) {missing}, found {list(counts.columns)}")
    pop = _value_lookup(population, "population")
    hh = _value_lookup(households, "households")
    rows = pd.DataFrame(
        {
            "partnership": counts["partnership"].astype("string"),
            "month": pd.to_datetime(counts["month"], errors="coerce"),
            "crime_group": counts["crime_group"].astype("string"),
            "n": pd.to_numeric(counts["count"]).astype("int64"),
        }
    ).dropna(subset=["partnership", "month"])
    rows = rows[(rows["partnership"].str.len() > 0) & (rows["n"] > 0)]
    # Spellings of one name ("Alpha", "alpha") are one partnership, shown as its most common spelling.
    found = name_keys(rows["partnership"])
    spelled = rows.assign(key=found).groupby(["key", "partnership"])["n"].sum()
    spelled = spelled.sort_values(ascending=False, kind="stable")
    usual = spelled.reset_index().drop_duplicates("key").set_index("key")["partnership"]
    rows = rows.assign(partnership=found.map(usual).astype("string"))
    notes: list[str] = []
    keep = {name_key(p) for p in partnerships} if partnerships is not None else set(pop)
    dropped = (
        rows.loc[~found.isin(keep)].groupby("partnership")["n"].sum().sort_values(ascending=False, kind="stable")
    )
    if len(dropped):
        notes.append(
            "Left out (no population given, so probably only partial counts from a neighbouring force's "
            "files): " + ", ".join(f"{p} ({n:,} rows)" for p, n in dropped.head(10).items())
            + (" …" if len(dropped) > 10 else "")
        )
    rows = rows[found.isin(keep)]
    if partnerships is None:
        partial, note = _partial_partnerships(rows, pop)
        if note:
            notes.append(note)
            rows = rows[~name_keys(rows["partnership"]).isin(partial)]
    no_group = rows["crime_group"].isna()
    if no_group.any():
        notes.append(f"{int(rows.loc[no_group, 'n'].sum()):,} rows with a crime type the crime-groups config does not know "
                     f"were counted as {groups.base_groups[-1]!r}")
        rows = rows.assign(crime_group=rows["crime_group"].fillna(groups.base_groups[-1]))
    base = list(groups.base_groups)
    extra = sorted(set(rows["crime_group"].unique()) - set(base))
    all_groups = base + extra
    counts = rows.groupby(["partnership", "month", "crime_group"], observed=True)["n"].sum().rename("count")
    present = rows[["partnership", "month"]].drop_duplicates()
    grid = present.merge(pd.DataFrame({"crime_group": all_groups}), how="cross")
    out = grid.merge(counts.reset_index(), on=["partnership", "month", "crime_group"], how="left")
    out["count"] = out["count"].fillna(0).astype("float64")  # a month with data and no such crime is 0
    out["population"] = out["partnership"].map(lambda p: pop.get(name_key(p), np.nan))
    out["households"] = out["partnership"].map(lambda p: hh.get(name_key(p), np.nan))
    out["period_months"] = 1
    no_pop = sorted(out.loc[out["population"].isna(), "partnership"].unique())
    if no_pop:
        notes.append("No population for: " + ", ".join(no_pop) + " (their rates are left blank)")
    result = conform(out.sort_values(["partnership", "month", "crime_group"]), COMPARATOR_COLUMNS)
    result.attrs["notes"] = notes
    return result


__all__ = [
    "area_total",
    "comparators_from_counts",
    "comparators_from_incidents",
    "name_key",
    "name_keys",
    "parse_names",
    "with_partnership",
]
