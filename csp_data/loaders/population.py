"""Values per area (population, households) from CSV/XLSX tables, matched to the areas by code."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import pandas as pd

from csp_data.loaders._common import listed, match_column, read_table, reject
from csp_data.model import FileReport, LoadIssue, LoadReport

if TYPE_CHECKING:
    import geopandas as gpd

KIND_VALUES: Final = "area values"
#: Column names (case-insensitive) taken as the area code, in order of preference.
CODE_GUESSES: Final = (
    "area_code",
    "code",
    "ward_code",
    "lsoa_code",
    "msoa_code",
    "beat_code",
    "beat",
    "geography code",
    "lad_code",
)
#: Column names (case-insensitive) taken as the value, in order of preference.
VALUE_GUESSES: Final = (
    "value",
    "pop",
    "population",
    "households",
    "geography_total",
    "all usual residents",
    "all households",
)


def _guess(columns: list[str], wanted: tuple[str, ...], fallback: str) -> str | None:
    folded = {c.casefold(): c for c in columns}
    for name in wanted:
        if name in folded:
            return folded[name]
    for column in columns:
        low = column.casefold()
        if fallback == "code" and (low.endswith("code") or low.endswith("cd")):
            return column
        if fallback == "name" and "name" in low:
            return column
        if fallback == "value" and ("all categories" in low or "households" in low or "population" in low):
            return column
    return None


def _pick(file: Path, columns: list[str], given: str | None, argument: str, guess: str | None) -> str:
    if given is not None:
        return match_column(file, columns, given, argument)
    if guess is None:
        raise ValueError(f"{file}: cannot guess the {argument} from {columns}; state it with {argument}=...")
    return guess


def load_area_values(
    path: str | Path,
    *,
    code_column: str | None = None,
    value_column: str | None = None,
    sheet: str | int | None = None,
) -> tuple[pd.DataFrame, LoadReport]:
    """Read one value per area code (population or households) from a CSV or XLSX table.

    Parameters
    ----------
    path
        The table.
    code_column, value_column
        The columns to use; guessed when None (code: ``area_code``, ``code``, ``ward_code``,
        ``lsoa_code``, ..., else a name column such as ``area_name``; value: ``value``, ``pop``, ``population``, ``households``,
        ``geography_total``, ...).
    sheet
        Worksheet of an Excel file (default: the first).

    Returns
    -------
    (pandas.DataFrame, LoadReport)
        Columns ``code`` (string) and ``value`` (float64), one row per code. Rows with a blank
        code, a non-numeric value or a repeated code are rejected with row and column named.
        Thousands separators ("1,234") are accepted.

    Raises
    ------
    ValueError
        Naming the file when it cannot be read or the columns are missing or cannot be guessed.
    """
    file = Path(path)
    if not file.exists():
        raise ValueError(f"{file}: no such file")
    report = FileReport(str(file), KIND_VALUES)
    raw = read_table(file, report, sheet=sheet)
    columns = list(raw.columns)
    code_guess = _guess(columns, CODE_GUESSES, "code") or _guess(columns, ("area_name", "name"), "name")
    code_col = _pick(file, columns, code_column, "code_column", code_guess)
    value_col = _pick(
        file,
        columns,
        value_column,
        "value_column",
        _guess([c for c in columns if c != code_col], VALUE_GUESSES, "value"),
    )
    if code_column is None or value_column is None:
        report.issues.append(
            LoadIssue(str(file), f"columns used: code {code_col!r}, value {value_col!r}", severity="info")
        )
    rows = raw.index.to_numpy()
    code = raw[code_col].astype("string").str.strip()
    code = code.mask(code == "", pd.NA)
    text = raw[value_col].astype("string").str.strip()
    value = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")

    no_code = code.isna().to_numpy()
    reject(report, no_code, "missing code", rows=rows, column=code_col, found=code)
    bad_value = value.isna().to_numpy() & ~no_code
    reject(
        report,
        bad_value,
        "non-numeric value",
        rows=rows,
        column=value_col,
        found=text,
        expected="a number",
    )
    ok = ~(no_code | bad_value)
    repeated = pd.Series(False, index=code.index)
    repeated.loc[code.index[ok]] = code[ok].duplicated(keep="first").to_numpy()
    reject(
        report,
        repeated.to_numpy(),
        "repeated code (first row kept)",
        rows=rows,
        column=code_col,
        found=code,
    )
    ok = ok & ~repeated.to_numpy()
    out = pd.DataFrame({"code": code[ok].astype("string"), "value": value[ok].astype("float64")}).reset_index(
        drop=True
    )
    report.accepted = len(out)
    return out, LoadReport(files=[report])


def attach_values(
    areas: gpd.GeoDataFrame,
    values: pd.DataFrame,
    column: Literal["population", "households"],
) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """Set ``areas[column]`` from a code/value table, matching codes exactly (spaces trimmed).

    Parameters
    ----------
    areas
        Canonical areas (``area_code`` column).
    values
        ``code``/``value`` table from :func:`load_area_values`.
    column
        ``"population"`` or ``"households"``.

    Returns
    -------
    (geopandas.GeoDataFrame, LoadReport)
        A new frame (areas without a value get NaN) and notes listing the areas that have no value
        and the codes in the table that match no area.

    Raises
    ------
    ValueError
        When ``column`` is not population/households or a frame lacks its columns.
    """
    if column not in ("population", "households"):
        raise ValueError(f"attach_values: column must be 'population' or 'households'; got {column!r}")
    if "area_code" not in areas.columns:
        raise ValueError(f"attach_values: areas lack 'area_code'; found {list(areas.columns)}")
    missing = [c for c in ("code", "value") if c not in values.columns]
    if missing:
        raise ValueError(f"attach_values: values lack columns {missing}; found {list(values.columns)}")
    lookup = dict(
        zip(values["code"].astype("string").str.strip(), values["value"].astype("float64"), strict=False)
    )
    area_codes = areas["area_code"].astype("string").str.strip()
    out = areas.copy()
    out[column] = area_codes.map(lookup).astype("float64").to_numpy()
    without = area_codes[out[column].isna().to_numpy()].tolist()
    unmatched = sorted(set(lookup) - set(area_codes.dropna()))
    matched = len(areas) - len(without)
    total = float(out[column].sum())
    notes = [f"{column}: {matched:,} of {len(areas):,} areas matched by code (total {total:,.0f})"]
    if without:
        have = "area has" if len(without) == 1 else "areas have"
        notes.append(f"{column}: {len(without):,} {have} no value: {listed([str(c) for c in without])}")
    if unmatched:
        notes.append(
            f"{column}: {len(unmatched):,} codes in the table match no area: {listed([str(c) for c in unmatched])}"
        )
    return out, LoadReport(notes=notes)
