"""Targets against a baseline: ``[[targets]]`` in csp.toml, progress and status.

A target names a crime group (``priority``) or a partner indicator (``indicator``), a ``baseline``
period (any form of :func:`csp_data.io.indicators.parse_period`: "2024/25", "2024-Q1", ...), the
``change`` wanted by the due date in % (``-4`` for a 4% reduction) and the ``due`` month ("2027-03")::

    [[targets]]
    priority = "Violence and sexual offences"
    baseline = "2024/25"
    change = -4
    due = "2027-03"

**Current** is the period as long as the baseline ending at the latest month the data has (a
financial-year baseline is compared with the latest 12 months). **Status** (:func:`target_status`):

* *achieved*: the change so far has reached the target (at or below it for a reduction, at or above
  it for an increase);
* *on track*: not yet, but at or beyond the linear trajectory: the target change × the share of the
  time from the baseline's end to the due date that has passed at the current period's end;
* *off track*: behind the trajectory (or the due date has passed without the target reached).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from csp_data.aggregate import count_by
from csp_data.change import pct_change
from csp_data.format import NA, fmt_count, fmt_number, fmt_pct, na
from csp_data.indicators import period_total, rows_of
from csp_data.io.indicators import parse_period
from csp_data.model import Dataset
from csp_data.periods import Period, add_months, is_covered, months_covered, to_month

Status = Literal["achieved", "on track", "off track", "n/a"]
#: Words first; colour is a second cue only (Okabe-Ito: blue, bluish green, vermillion; grey for n/a).
STATUS_COLOURS: Final[dict[str, str]] = {
    "achieved": "#0072B2", "on track": "#009E73", "off track": "#D55E00", "n/a": "#999999",
}
#: A symbol beside the words, so the status reads without colour (and in print).
STATUS_SYMBOLS: Final[dict[str, str]] = {"achieved": "✔", "on track": "→", "off track": "✖", "n/a": "–"}
PROGRESS_COLUMNS: Final = [
    "target", "kind", "baseline_period", "baseline", "current_period", "current", "change_pct",
    "target_pct", "due", "expected_pct", "status", "note",
]
TARGET_KEYS: Final = {"priority": "string", "indicator": "string", "baseline": "string", "change": "number",
                      "due": "string", "name": "string"}


@dataclass(frozen=True)
class Target:
    """One ``[[targets]]`` entry."""

    subject: str  # the crime group or indicator
    kind: Literal["priority", "indicator"]
    baseline: Period
    baseline_label: str  # as written ("2024/25")
    change: float  # target % change (-4 = a 4% reduction)
    due: pd.Timestamp  # the month it is due by

    @property
    def due_label(self) -> str:
        """'March 2027'."""
        return f"{self.due:%B %Y}"


def parse_targets(entries: object, *, where: str) -> tuple[Target, ...]:
    """The ``[[targets]]`` of a parsed csp.toml.

    Raises
    ------
    ValueError
        Naming ``where``, the entry and the key that is missing or wrong.
    """
    if entries is None:
        return ()
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise ValueError(f"{where}: targets must be [[targets]] tables")
    out = []
    for n, e in enumerate(entries, start=1):
        at = f"{where}: [[targets]] entry {n}"
        unknown = sorted(set(e) - set(TARGET_KEYS))
        if unknown:
            raise ValueError(f"{at}: unknown key `{unknown[0]}`; valid keys: {', '.join(sorted(TARGET_KEYS))}")
        if ("priority" in e) == ("indicator" in e):
            raise ValueError(f"{at}: needs exactly one of `priority` (a crime group) or `indicator`")
        kind: Literal["priority", "indicator"] = "priority" if "priority" in e else "indicator"
        baseline = parse_period(e.get("baseline"))
        if baseline is None:
            raise ValueError(f"{at}: `baseline` {e.get('baseline')!r} is not a period (e.g. \"2024/25\", \"2024-Q1\")")
        change = e.get("change")
        if not isinstance(change, int | float) or isinstance(change, bool) or not np.isfinite(change):
            raise ValueError(f"{at}: `change` must be a number in % (-4 for a 4% reduction), found {change!r}")
        due = parse_period(e.get("due"))
        if due is None or due.n_months != 1:
            raise ValueError(f"{at}: `due` {e.get('due')!r} must be a month (\"2027-03\")")
        if to_month(due.end) <= to_month(baseline.end):
            raise ValueError(f"{at}: `due` {e.get('due')!r} is not after the baseline {e.get('baseline')!r}")
        out.append(Target(str(e[kind]), kind, baseline, str(e["baseline"]), float(change), to_month(due.end)))
    return tuple(out)


def _months_between(a: pd.Timestamp, b: pd.Timestamp) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def expected_change(target: Target, at: pd.Timestamp) -> float:
    """The linear trajectory: the target change × the share of the time from the baseline's end to the
    due date passed at month ``at`` (0 at the baseline's end, the whole target at and after the due date).

    >>> t = Target("x", "priority", Period(pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-01")), "2024/25",
    ...            -4.0, pd.Timestamp("2027-03-01"))
    >>> expected_change(t, pd.Timestamp("2026-03-01"))  # 12 of 24 months
    -2.0
    """
    span = _months_between(to_month(target.baseline.end), target.due)
    done = _months_between(to_month(target.baseline.end), to_month(at))
    return target.change * min(max(done / span, 0.0), 1.0)


def target_status(change: float | None, target: float, expected: float) -> Status:
    """'achieved', 'on track', 'off track' (or 'n/a' when the change is unknown); see the module.

    >>> target_status(-5.0, -4.0, -2.0), target_status(-2.5, -4.0, -2.0), target_status(-1.0, -4.0, -2.0)
    ('achieved', 'on track', 'off track')
    """
    if change is None or pd.isna(change):
        return "n/a"
    sign = -1.0 if target < 0 else 1.0
    if sign * change >= sign * target:
        return "achieved"
    return "on track" if sign * change >= sign * expected else "off track"


def current_period(target: Target, latest: pd.Timestamp) -> Period:
    """The period as long as the baseline, ending at ``latest``."""
    end = to_month(latest)
    return Period(add_months(end, -(target.baseline.n_months - 1)), end)


#: (target, period) -> (value, note: "" when known, else why it is n/a).
ValueOf = Callable[[Target, Period], tuple[float, str]]


def progress_table(
    targets: tuple[Target, ...],
    value_of: ValueOf,
    *,
    latest: pd.Timestamp | Callable[[Target], pd.Timestamp | None] | None,
) -> pd.DataFrame:
    """One row per target: :data:`PROGRESS_COLUMNS` (numbers; :func:`progress_display` writes them).

    ``value_of`` gives the baseline and current figures (a crime group's count or an indicator's
    total); ``latest`` is the latest month of the data (or, per target, a function giving it: an
    indicator's table may end at another month than the incidents).
    """
    rows = []
    for t in targets:
        base, base_note = value_of(t, t.baseline)
        end = latest(t) if callable(latest) else latest
        cur_p = current_period(t, end) if end is not None else None
        cur, cur_note = value_of(t, cur_p) if cur_p is not None else (np.nan, "no data")
        change = pct_change(cur, base) if pd.notna(cur) and pd.notna(base) else None
        expected = expected_change(t, cur_p.end) if cur_p is not None else np.nan
        notes = [f"baseline: {base_note}" if base_note else "", f"current: {cur_note}" if cur_note else ""]
        if pd.notna(base) and base == 0:
            notes.append("baseline is 0: no % change")
        if cur_p is not None and to_month(cur_p.start) <= to_month(t.baseline.end):
            notes.append("the current period overlaps the baseline")
        rows.append({
            "target": t.subject, "kind": t.kind, "baseline_period": t.baseline_label, "baseline": base,
            "current_period": cur_p.label if cur_p is not None else NA, "current": cur,
            "change_pct": np.nan if change is None else change, "target_pct": t.change, "due": f"{t.due:%Y-%m}",
            "expected_pct": expected, "status": target_status(change, t.change, expected),
            "note": "; ".join(n for n in notes if n),
        })
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


def dataset_value_of(dataset: Dataset) -> ValueOf:
    """The :data:`ValueOf` of a dataset: a crime group's count over the period (n/a unless the data
    covers every month of it), or the partner indicator's total for the partnership
    (:func:`csp_data.indicators.period_total`)."""
    partnership = dataset.partnership or dataset.name

    def value_of(target: Target, period: Period) -> tuple[float, str]:
        if target.kind == "indicator":
            if dataset.indicators is None:
                return np.nan, "no [[indicators]] table loaded"
            value, _denom, note = period_total(rows_of(dataset.indicators, target.subject, partnership), period)
            return value, note
        if target.subject not in dataset.groups.names():
            return np.nan, f"{target.subject!r} is not a crime group of this dataset"
        if not is_covered(period, dataset.months):
            return np.nan, f"the data has {months_covered(period, dataset.months)} of the {period.n_months} months of {period.label}"
        counts = count_by(dataset.incidents, [], groups=dataset.groups, group=target.subject, period=period)
        return float(counts["count"].sum()), ""

    return value_of


def dataset_progress(dataset: Dataset) -> pd.DataFrame:
    """:func:`progress_table` of the dataset's ``[[targets]]`` as of its latest month."""
    partnership = dataset.partnership or dataset.name

    def latest(target: Target) -> pd.Timestamp | None:
        if target.kind == "priority" or dataset.indicators is None:
            return dataset.latest_month
        rows = rows_of(dataset.indicators, target.subject, partnership)
        return pd.Timestamp(rows["period_end"].max()) if len(rows) else None

    return progress_table(dataset.targets, dataset_value_of(dataset), latest=latest)


def target_series(monthly: pd.DataFrame, target: Target, *, covered: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    """What the target chart draws, one row per month from the baseline's start to the later of the
    data's end and the due date: ``month``, ``value`` (the rolling sum over as many months as the
    baseline, NaN unless every month of the window has data), ``baseline`` (the baseline level: the
    baseline period's total) and ``trajectory`` (the baseline level × (1 + :func:`expected_change` / 100),
    from the baseline's end to the due date; NaN elsewhere).

    ``monthly`` holds ``month, count``; ``covered`` the months with data (default: ``monthly``'s months).
    """
    n = target.baseline.n_months
    data = monthly.assign(month=pd.to_datetime(monthly["month"])).set_index("month")["count"].astype("float64")
    have = set(pd.DatetimeIndex(covered if covered is not None else data.index))
    last = max([*data.index, target.due]) if len(data) else target.due
    months = pd.date_range(to_month(target.baseline.start), last, freq="MS")
    counts = data.reindex(months)
    counts[[m not in have for m in months]] = np.nan
    value = counts.rolling(n, min_periods=n).sum()
    base_end = to_month(target.baseline.end)
    level = float(value.get(base_end, np.nan))
    trajectory = [
        level * (1 + expected_change(target, m) / 100) if base_end <= m <= target.due else np.nan for m in months
    ]
    return pd.DataFrame({"month": months, "value": value.to_numpy(), "baseline": level,
                         "trajectory": trajectory})


def status_label(status: str) -> str:
    """'✖ off track': the symbol and the words (the colour is only a second cue)."""
    return f"{STATUS_SYMBOLS.get(status, '')} {status}".strip()


def progress_display(table: pd.DataFrame) -> pd.DataFrame:
    """The progress table as text for screens and reports."""
    def count(v: Any) -> str:
        return fmt_count(round(v)) if pd.notna(v) and float(v).is_integer() else fmt_number(v, 1)

    return pd.DataFrame({
        "Target": table["target"],
        "Baseline": [f"{fmt_count(b) if pd.notna(b) else na('no baseline')} ({p})"
                     for b, p in zip(table["baseline"], table["baseline_period"], strict=True)],
        "Current": [f"{count(c)} ({p})" if pd.notna(c) else NA
                    for c, p in zip(table["current"], table["current_period"], strict=True)],
        "Change": [fmt_pct(c) if pd.notna(c) else NA for c in table["change_pct"]],
        "Target change": [f"{fmt_pct(t)} by {pd.Timestamp(d + '-01'):%b %Y}"
                          for t, d in zip(table["target_pct"], table["due"], strict=True)],
        "Trajectory now": [fmt_pct(e) if pd.notna(e) else NA for e in table["expected_pct"]],
        "Status": [status_label(s) for s in table["status"]],
        "Note": table["note"],
    })


def progress_sentence(row: Mapping[str, Any], *, label: str | None = None) -> str:
    """'Violence with injury is 2.1% below the 2024/25 baseline against a target of −4% by March 2027:
    off track.'

    >>> progress_sentence({"target": "Violence with injury", "baseline_period": "2024/25", "change_pct": -2.1,
    ...                    "target_pct": -4.0, "due": "2027-03", "status": "off track"})
    'Violence with injury is 2.1% below the 2024/25 baseline against a target of −4% by March 2027: off track.'
    """
    name = label or str(row["target"])
    due = f"{pd.Timestamp(str(row['due']) + '-01'):%B %Y}"
    target = fmt_pct(float(row["target_pct"])).replace(".0%", "%")
    change = row["change_pct"]
    if change is None or pd.isna(change):
        why = f" ({row['note']})" if row.get("note") else ""
        return f"{name}: progress against the {row['baseline_period']} baseline is n/a{why}."
    if round(float(change), 1) == 0:
        where = f"level with the {row['baseline_period']} baseline"
    else:
        where = f"{abs(float(change)):.1f}% {'below' if change < 0 else 'above'} the {row['baseline_period']} baseline"
    return f"{name} is {where} against a target of {target} by {due}: {row['status']}."


__all__ = [
    "PROGRESS_COLUMNS",
    "STATUS_COLOURS",
    "STATUS_SYMBOLS",
    "Target",
    "current_period",
    "dataset_progress",
    "dataset_value_of",
    "expected_change",
    "parse_targets",
    "progress_display",
    "progress_sentence",
    "progress_table",
    "status_label",
    "target_series",
    "target_status",
]
