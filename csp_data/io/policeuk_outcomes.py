"""police.uk outcomes files (``YYYY-MM/YYYY-MM-<force>-outcomes.csv``): read, checked, latest per crime.

The street loader (csp_data.io.policeuk) skips these files; this module reads them. An outcomes row is
``Crime ID, Month, ..., Outcome type``: ``Month`` is the month of the *outcome*, not of the crime, so a
crime has one row per outcome published for it. :func:`latest_outcomes` keeps the latest (by month;
of two in the same month, the one read last) per Crime ID; the caller joins it to the street rows by
Crime ID. Every physical line is one record, as in the street loader: a row is rejected (with file,
row, column and reason) for a blank Crime ID, an unreadable or future month or a blank outcome type,
and accepted + rejected = the file's data lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from csp_data.io.common import file_error, header_of, read_csv_strings, reject
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.policeuk_rules import (
    KIND_OUTCOMES,
    REASON_AFTER_FILE,
    REASON_FUTURE,
    REASON_MONTH,
    current_month,
    file_month,
    kind_from_header,
    kind_from_name,
    late_month_reasons,
    month_expectations,
    parse_months,
)
from csp_data.io.sources import Source, expand_paths
from csp_data.model import FileReport, LoadReport

#: The columns an outcomes file must have.
OUTCOME_REQUIRED: Final = ("Crime ID", "Month", "Outcome type")
#: The columns of :func:`load_outcomes` and :func:`latest_outcomes`.
OUTCOME_COLUMNS: Final = ("crime_id", "outcome_month", "outcome_type", "source_file", "source_row")
REASON_NO_ID: Final = "missing Crime ID"
REASON_NO_OUTCOME: Final = "missing outcome type"


def empty_outcomes() -> pd.DataFrame:
    """No outcomes, with :data:`OUTCOME_COLUMNS`."""
    return pd.DataFrame({
        "crime_id": pd.Series(dtype="string"), "outcome_month": pd.Series(dtype="datetime64[ns]"),
        "outcome_type": pd.Series(dtype="string"), "source_file": pd.Series(dtype="string"),
        "source_row": pd.Series(dtype="int64"),
    })


def read_outcomes_file(source: Source, limits: Limits = DEFAULT_LIMITS) -> tuple[pd.DataFrame, FileReport]:
    """One outcomes file's accepted rows (:data:`OUTCOME_COLUMNS`) and its report."""
    report = FileReport(source.label, KIND_OUTCOMES)
    try:
        data = source.read_bytes(limits)
    except ValueError as exc:
        file_error(report, str(exc).removeprefix(f"{source.label}: "))
        return empty_outcomes(), report
    header = header_of(data)
    missing = [c for c in OUTCOME_REQUIRED if c not in header]
    if missing:
        file_error(report, f"not a police.uk outcomes file: missing columns {', '.join(missing)}")
        return empty_outcomes(), report
    frame = read_csv_strings(data, report, limits=limits, one_record_per_line=True)
    rows = frame.index.to_numpy(dtype=np.int64)
    crime_id = frame["Crime ID"].astype("string").str.strip().replace("", pd.NA)
    outcome = frame["Outcome type"].astype("string").str.strip().replace("", pd.NA)
    month_text = frame["Month"].astype("string").str.strip()
    month = parse_months(month_text)
    bad = np.zeros(len(frame), dtype=bool)

    def check(mask: np.ndarray, reason: str, column: str, found: pd.Series, expected: str = "") -> None:
        new = np.asarray(mask, dtype=bool) & ~bad
        reject(report, new, reason, rows=rows, column=column, found=found, expected=expected)
        bad[new] = True

    check(crime_id.isna().to_numpy(dtype=bool), REASON_NO_ID, "Crime ID", frame["Crime ID"])
    check(month.isna().to_numpy(dtype=bool), REASON_MONTH, "Month", frame["Month"], "YYYY-MM")
    ceiling = file_month(source)
    now = current_month()
    future, after = late_month_reasons(
        month.to_numpy(dtype="datetime64[ns]"),
        np.full(len(frame), np.datetime64("NaT") if ceiling is None else ceiling.to_datetime64(), dtype="datetime64[ns]"),
        now,
    )
    expect = month_expectations(ceiling, now)
    check(future, REASON_FUTURE, "Month", frame["Month"], expect[REASON_FUTURE])
    check(after, REASON_AFTER_FILE, "Month", frame["Month"], expect.get(REASON_AFTER_FILE, ""))
    check(outcome.isna().to_numpy(dtype=bool), REASON_NO_OUTCOME, "Outcome type", frame["Outcome type"])
    keep = ~bad
    report.accepted = int(keep.sum())
    out = pd.DataFrame({
        "crime_id": crime_id[keep].to_numpy(), "outcome_month": month[keep].to_numpy(),
        "outcome_type": outcome[keep].to_numpy(), "source_file": source.label, "source_row": rows[keep],
    })
    out["crime_id"] = out["crime_id"].astype("string")
    out["outcome_type"] = out["outcome_type"].astype("string")
    out["source_file"] = out["source_file"].astype("string")
    return out, report


def is_outcomes_source(source: Source, limits: Limits = DEFAULT_LIMITS) -> bool:
    """A source is an outcomes file by its name, or (a name that says nothing) by its header."""
    kind = kind_from_name(source.name)
    if kind is not None:
        return kind == KIND_OUTCOMES
    try:
        return kind_from_header(header_of(source.head())) == KIND_OUTCOMES
    except (OSError, ValueError):
        return False


def load_outcomes(
    paths: Sequence[str | Path], *, limits: Limits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, LoadReport]:
    """Every outcome row of the outcomes files among ``paths`` (files, archive folders, zips), in read
    order, and one FileReport per outcomes file (street and other files are not read here).

    Raises
    ------
    ValueError
        When a path does not exist or a zip is unreadable (csp_data.io.sources.expand_paths).
    """
    report = LoadReport()
    frames = []
    for source in expand_paths(paths, limits=limits):
        if not is_outcomes_source(source, limits):
            continue
        frame, file_report = read_outcomes_file(source, limits)
        report.files.append(file_report)
        frames.append(frame)
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_outcomes(), report
    return pd.concat(frames, ignore_index=True), report


def latest_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per Crime ID: its latest outcome by ``outcome_month``; of two in the same month the one
    read last (later file, later row). Sorted by Crime ID.

    >>> o = pd.DataFrame({"crime_id": ["a", "a", "b", "a"], "outcome_month": pd.to_datetime(
    ...     ["2021-03-01", "2021-05-01", "2021-01-01", "2021-04-01"]), "outcome_type": ["x", "z", "y", "w"]})
    >>> latest_outcomes(o)[["crime_id", "outcome_type"]].values.tolist()
    [['a', 'z'], ['b', 'y']]
    """
    order = outcomes.assign(_read=np.arange(len(outcomes)))
    order = order.sort_values(["crime_id", "outcome_month", "_read"], kind="stable")
    return order.drop_duplicates("crime_id", keep="last").drop(columns="_read").reset_index(drop=True)
