"""Values per area (population, households) from CSV/XLSX tables, matched to the areas by code."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from csp_data.io.common import listed, match_column, reject
from csp_data.io.headers import normalise_header, read_table_at_header
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.model import FileReport, LoadIssue, LoadReport

if TYPE_CHECKING:
    import geopandas as gpd

KIND_VALUES: Final = "area values"
#: Largest population or household count taken for one area: above it a value is rejected as
#: implausible. 20 million is above any area below national level (the largest police force area,
#: the Metropolitan Police, holds about 9 million people) and far below a typing slip such as 1e9.
MAX_AREA_VALUE: Final = 20_000_000
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


def _given(columns: list[str], given: str) -> str | None:
    folded = {c.casefold(): c for c in columns}
    return given if given in columns else folded.get(given.casefold())


def _pick(file: Path, columns: list[str], given: str | None, argument: str, guess: str | None) -> str:
    if given is not None:
        return match_column(file, columns, given, argument)
    if guess is None:
        raise ValueError(f"{file}: cannot guess the {argument} from {columns}; state it with {argument}=...")
    return guess


def reject_implausible(
    report: FileReport,
    value: pd.Series,
    candidates: np.ndarray,
    *,
    rows: np.ndarray,
    column: str,
    found: pd.Series,
    measure: str = "value",
) -> np.ndarray:
    """Reject the ``candidates`` rows whose value is not above 0 or above :data:`MAX_AREA_VALUE`.

    A population or household count of 0 or less, or of more than 20 million for one area, is a
    mistake in the table, not a figure: the row is rejected (counted, with the row named) and the area
    has no value, so its rate is "n/a" with the reason instead of a rate that is infinite or near zero.

    Returns
    -------
    numpy.ndarray
        The rows rejected (boolean, aligned with ``value``).
    """
    numbers = value.to_numpy(dtype="float64", na_value=np.nan)
    not_positive = candidates & (numbers <= 0)
    too_large = candidates & (numbers > MAX_AREA_VALUE)
    reject(
        report, not_positive, f"{measure} not above 0", rows=rows, column=column, found=found,
        expected="a count above 0",
    )
    reject(
        report, too_large, f"{measure} implausibly large (above {MAX_AREA_VALUE:,})", rows=rows, column=column,
        found=found, expected=f"at most {MAX_AREA_VALUE:,} for one area",
    )
    return not_positive | too_large


def load_area_values(
    path: str | Path,
    *,
    code_column: str | None = None,
    value_column: str | None = None,
    sheet: str | int | None = None,
    measure: str = "value",
    limits: Limits = DEFAULT_LIMITS,
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
        Worksheet of an Excel file (default: the first that holds the columns).
    measure
        What the values are ("population", "households"), for the reasons in the report.
    limits
        Size limits (csp.toml ``[limits]``): a file over them is refused, naming the file and the limit.

    Returns
    -------
    (pandas.DataFrame, LoadReport)
        Columns ``code`` (string) and ``value`` (float64), one row per code. Rows with a blank
        code, a non-numeric value, a value not above 0 or above :data:`MAX_AREA_VALUE`, or a
        repeated code are rejected with row and column named (``attrs["rejected"]`` maps the code of
        each rejected row to its reason). Thousands separators ("1,234") are accepted. The header
        may be below titles and notes (see ``loaders.headers``).

    Raises
    ------
    ValueError
        Naming the file when it cannot be read or the columns are missing or cannot be guessed.
    """
    file = Path(path)
    if not file.exists():
        raise ValueError(f"{file}: no such file")
    report = FileReport(str(file), KIND_VALUES)
    given_code = normalise_header(code_column) if code_column is not None else None
    given_value = normalise_header(value_column) if value_column is not None else None

    def columns_of(columns: list[str]) -> tuple[str | None, str | None]:
        code_guess = _guess(columns, CODE_GUESSES, "code") or _guess(columns, ("area_name", "name"), "name")
        code = _given(columns, given_code) if given_code is not None else code_guess
        rest = [c for c in columns if c and c != code]
        value = _given(columns, given_value) if given_value is not None else _guess(rest, VALUE_GUESSES, "value")
        return code, value

    def is_header(cells: list[str]) -> bool:
        code, value = columns_of(cells)
        return code is not None and value is not None

    raw = read_table_at_header(file, report, is_header, sheet=sheet, limits=limits)
    columns = list(raw.columns)
    code_guess, value_guess = columns_of(columns)
    code_col = _pick(file, columns, given_code, "code_column", code_guess)
    value_col = _pick(file, columns, given_value, "value_column", value_guess)
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
    implausible = reject_implausible(
        report, value, ~(no_code | bad_value), rows=rows, column=value_col, found=text, measure=measure
    )
    ok = ~(no_code | bad_value | implausible)
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
    out.attrs["rejected"] = _rejected_codes(report, code, rows, {
        f"{measure} not above 0": implausible & (value.to_numpy(dtype="float64", na_value=np.nan) <= 0),
        f"{measure} implausibly large (above {MAX_AREA_VALUE:,})": implausible
        & (value.to_numpy(dtype="float64", na_value=np.nan) > MAX_AREA_VALUE),
        "non-numeric value": bad_value,
    })
    return out, LoadReport(files=[report])


def _rejected_codes(
    report: FileReport, code: pd.Series, rows: np.ndarray, masks: dict[str, np.ndarray]
) -> dict[str, str]:
    """Code -> 'row N rejected: reason' for the rows rejected for a bad value (to explain a missing value)."""
    out: dict[str, str] = {}
    codes = code.to_numpy(dtype=object)
    for reason, mask in masks.items():
        for c, row in zip(codes[mask], rows[mask], strict=True):
            out.setdefault(str(c), f"row {int(row)} of {Path(report.path).name} rejected: {reason}")
    return out


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
    why = values.attrs.get("rejected", {})
    unmatched = sorted(set(lookup) - set(area_codes.dropna()))
    matched = len(areas) - len(without)
    total = float(out[column].sum())
    notes = [f"{column}: {matched:,} of {len(areas):,} areas matched by code (total {total:,.0f})"]
    if without:
        have = "area has" if len(without) == 1 else "areas have"
        notes.append(f"{column}: {len(without):,} {have} no value: {listed([str(c) for c in without])}")
        explained = [f"{c} ({why[str(c)]})" for c in without if str(c) in why]
        if explained:
            notes.append(f"{column}: no value because the table's row was rejected: {listed(explained)}")
    if unmatched:
        notes.append(
            f"{column}: {len(unmatched):,} codes in the table match no area: {listed([str(c) for c in unmatched])}"
        )
    return out, LoadReport(notes=notes)
