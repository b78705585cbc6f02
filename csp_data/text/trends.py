"""Every sentence, title and caption the Trends page writes (no Streamlit).

Numbers are formatted by csp_data.format: rates with two decimals, shares with one, counts with
thousands separators, an unknown value 'n/a'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from csp_data.change import TEST_LABELS
from csp_data.comparators import TIE_RULE, band_status
from csp_data.format import fmt_count, fmt_number, fmt_rate, ordinal
from csp_data.periods import Period, add_months, fmt_month
from csp_data.trends import measure_label

#: Said when the sidebar's crime-type or area selection is set.
CROSS_FILTER_NOTE = (
    "Comparisons are between whole partnerships and whole crime groups: the crime-type and area "
    "selections in the sidebar are not applied to the rates, ranks and position table on this page."
)
ANNUAL_ONLY_NOTE = "The comparator table has annual or quarterly figures only, so the rolling 12-month view is shown."
NO_INCIDENTS = "No incidents are loaded. See the Data page for what was read and rejected."
YOY_NOT_COVERED = (
    "The data does not cover both periods in full, so no year-on-year change is given "
    "(a part-year is never compared with a whole year)."
)
YOY_CAPTION = (
    f"Test: {TEST_LABELS['poisson_z']}; |z| > 1.96 is significant at 95%. Small numbers: both counts "
    "under 20, where a percentage change swings widely. 'new' = none in the previous period; "
    "'no change' = none in either; 'n/a' = the data does not cover the period."
)
NO_TIMES = ("Day-of-week and hour-of-day profiles need dates and times (force extracts); police.uk data "
            "gives the month only.")
ALL_CRIME_NOTE = "All crime excludes ASB. police.uk counts are not the same measure as ONS recorded crime."


def peers_caption(partnership: str) -> str:
    """The caption of the peer-group editor."""
    return (
        f"{partnership} is always in its own groups. Membership need not be symmetric (a peer's own MSG may "
        "leave you out). Changes last for this browser session; to keep them, edit the peer groups in csp.toml "
        "(see config/peer_groups.example.toml)."
    )


def answer(
    group_label: str, pos: dict[str, Any], *, period: Period, primary_label: str, denominator: str,
    latest: pd.DataFrame | None, has_peers: bool,
) -> str:
    """The page's headline: the position in the period; when the period has no comparator figures, the
    latest ones first (``latest``: a rolling-12 trend frame, None when none can be drawn)."""
    label = f"in the {primary_label}"
    sentence = position_sentence(group_label, pos, period=period, group_label=label, denominator=denominator)
    if pd.isna(pos["rate"]) and latest is not None:
        sentence = latest_sentence(latest, group_label, group_label=label, denominator=denominator) + f" {sentence}"
    if not has_peers:
        sentence = sentence.rstrip(".") + " (no peer group set: open 'Peer groups' above)."
    return sentence


def notes_with_population(notes: Sequence[str], partnership: str, pop_missing: str) -> list[str]:
    """The comparator notes, with why the partnership has no rate from its areas when that is the reason."""
    if pop_missing and any("no population is known" in n for n in notes):
        return [*notes, f"No rate for {partnership} from its areas: {pop_missing}."]
    return list(notes)


def missing_rates_note(period: Period, missing: Mapping[str, str]) -> str:
    """The partnerships without a rate for the period, and why."""
    listed = "; ".join(f"{p}: {why}" for p, why in missing.items())
    return f"Without a rate for {period.label} (left out of the average and the rank): {listed}."


def chart_title(last: pd.Series | None, *, partnership: str, primary_label: str, group_label: str, measure: str) -> str:
    """The trend chart's title: the band status and rank in the last month shown."""
    if last is None or pd.isna(last["rate"]):
        return f"{partnership}: {group_label}"
    status = band_status(last["rate"], last["band_low"], last["band_high"])  # "n/a" without a band
    if last["group_size"] > 1 and status != "n/a":
        return (f"{partnership} is {status} the {primary_label} band in {fmt_month(last['month'])}: "
                f"{last['rank_label']} (1 = lowest rate)")
    return (
        f"{partnership}: {fmt_number(last['rate'])} {measure} in {fmt_month(last['month'])}"
        + (f", no {primary_label} band (n/a: fewer than 2 members with a rate)" if last["group_size"] > 1 else "")
    )


def chart_subtitle(frame: pd.DataFrame, *, group_label: str, view: str, rolling: int | None, measure: str,
                   source: str) -> str:
    """The trend chart's subtitle: group, measure, monthly or rolling, source and span."""
    span = f"{fmt_month(frame['month'].min())} to {fmt_month(frame['month'].max())}"
    kind = "rolling 12 months" if rolling else "monthly"
    what = "Crimes (count)" if view == "count" else f"Crimes {measure}"
    return f"{group_label} · {what}, {kind}, {source}, {span}"


def chart_summary(
    last: pd.Series | None, gaps: pd.Series, *, partnership: str, primary_label: str, group_label: str,
    measure: str, k: float, view: str, rolling: int | None, annual_only: bool,
) -> str:
    """The sentence under the trend chart: the last month's rate against the average, then the gaps."""
    if last is not None and pd.notna(last["rate"]) and view != "count":
        summary = (
            f"In {fmt_month(last['month'])} {partnership}'s rate was {fmt_rate(last['rate'])} {measure} against a "
            f"{primary_label} average of {fmt_rate(last['msg_average'])} (band {fmt_rate(last['band_low'])} to "
            f"{fmt_rate(last['band_high'])}, ± {k:g} SD), {last['rank_label']} (1 = lowest)."
        )
    elif last is not None:
        summary = f"In {fmt_month(last['month'])} {partnership} recorded {fmt_count(last['count'])} {group_label}."
    else:
        summary = "No month has a value to show."
    if annual_only:
        summary += " The comparator table gives one figure per year or quarter, so points are not joined."
    elif len(gaps) and rolling:
        summary += f" Rolling-12 values need 12 months in a row: {len(gaps)} month(s) have none (not zero)."
    elif len(gaps):
        summary += f" No data for {', '.join(fmt_month(m) for m in gaps)} (gaps, not zeros)."
    return summary


def chart_caption(*, primary_label: str, partnership: str, k: float, county_line: bool, denominator: str) -> str:
    """How to read the trend chart."""
    return (
        f"Grey line: the {primary_label} average, the plain mean of the members' rates ({partnership} included); "
        f"grey band: ± {k:g} sample standard deviations (n − 1). Rank 1 = lowest rate; {TIE_RULE}."
        + (" Dashed line: the county average." if county_line else "")
        + (" Rates are per 1,000 households." if denominator == "households" else "")
    )


def band_sentence(primary_label: str, above: Sequence[str], below: Sequence[str]) -> str:
    """'Above the MSG band: Burglary. Below it: none.'"""
    return (
        f"Above the {primary_label} band: {', '.join(above) if above else 'none'}. "
        f"Below it: {', '.join(below) if below else 'none'}."
    )


def position_caption(period: Period) -> str:
    """How the position table's rates and ranks are worked out."""
    return (
        f"Rates for the whole period (sum of the months' counts over the population × 1,000). Rank 1 = lowest rate; "
        f"{TIE_RULE}. A blank 'a year earlier' means the data does not cover {period.year_earlier().label}."
    )


def significant_sentence(significant: pd.DataFrame) -> str:
    """'Changes significant at 95%: Burglary (+12.3%).' (or 'none')."""
    return (
        "Changes significant at 95%: "
        + (", ".join(f"{r.label} ({r.pct_label})" for r in significant.itertuples()) if len(significant) else "none")
        + "."
    )


def pairs_intro(group_label: str) -> str:
    """Introduces the table of months a year apart."""
    return f"What can be compared: {group_label} in the months that have the same month a year earlier."


def seasonality_title(group_label: str, peaks: Sequence[str], end: pd.Timestamp) -> str:
    """The seasonality chart's title: the peak months of the 12 months to ``end``."""
    return (f"{group_label}: peak month(s) {', '.join(peaks) if peaks else 'none'} in the 12 months to "
            f"{fmt_month(end)}")


def seasonality_subtitle(source: str) -> str:
    """The seasonality chart's subtitle."""
    return (f"Crimes (count) per month; tick = average of the same month in up to 3 earlier years; "
            f"{source}")


def seasonality_sentence(profile: pd.DataFrame, peaks: Sequence[str]) -> str:
    """The peaks and how many months have an earlier-years average."""
    with_avg = int(profile["average"].notna().sum())
    return (
        f"Peaks ({profile.attrs.get('peak_rule', '')}): {', '.join(peaks) if peaks else 'none'}. "
        f"An earlier-years average exists for {with_avg} of 12 months"
        + ("." if with_avg else " (the data starts less than a year before this period).")
    )


def busiest_day_sentence(top: pd.Series, group_label: str) -> str:
    """'Busiest day: Friday (16.2% of Burglary).'"""
    return f"Busiest day: {top['day']} ({fmt_number(top['share'])}% of {group_label})."


def busiest_hour_sentence(top: pd.Series, untimed: int) -> str:
    """'Busiest hour: 17:00–17:59 (7.1%).' and how many incidents have no time."""
    return (
        f"Busiest hour: {int(top['hour']):02d}:00–{int(top['hour']):02d}:59 ({fmt_number(top['share'])}%)."
        + (f" {untimed:,} incidents have no time." if untimed else "")
    )


def no_gaps_sentence(gaps: str | None) -> str:
    """The gap sentence (trends.gap_sentence), or that every month has data."""
    return gaps or "Every month from the first to the latest has data."


def position_sentence(
    group: str, pos: dict[str, Any], *, period: Period, group_label: str = "in the MSG", denominator: str = "population"
) -> str:
    """'All crime: 55.9 per 1,000 residents in the 12 months to Dec 2021, 5th lowest of 10 in the county,
    within the band.' Every number from ``pos`` (:func:`csp_data.comparators.period_position`)."""
    when = f"the 12 months to {fmt_month(period.end)}" if period.n_months == 12 else period.label
    if pos["rate"] is None or pd.isna(pos["rate"]):
        reason = next(iter(pos.get("missing", {}).get(p, "") for p in [pos.get("partnership")]), "")
        return f"{group}: no rate for {when} ({reason or 'counts or population missing'})."
    text = f"{group}: {pos['rate']:,.1f} {measure_label(denominator)} in {when}"
    if pd.notna(pos["rank"]) and pos["group_size"] > 1:
        rank, size = int(pos["rank"]), int(pos["group_size"])
        where = "the lowest" if rank == 1 else "the highest" if rank == size else f"{ordinal(rank)} lowest"
        text += f", {where} of {size} {group_label}"
        text += f", {pos['status']} the band" if pos["status"] != "n/a" else ""
        if pd.notna(pos["msg_average"]):
            text += f" (average {pos['msg_average']:,.1f})"
    return text + "."


def latest_sentence(frame: pd.DataFrame, group: str, *, group_label: str = "in the MSG",
                    denominator: str = "population", rolling: int | None = 12) -> str:
    """The latest month of a :func:`trend_frame` with a rate, as a sentence (used when the selected
    period has no comparator figures, e.g. annual ONS tables against recent police.uk months)."""
    rows = frame[frame["rate"].notna()]
    if rows.empty:
        return f"{group}: no month has a rate for the partnership."
    last = rows.iloc[-1]
    when = f"the 12 months to {fmt_month(last['month'])}" if rolling == 12 else fmt_month(last["month"])
    text = f"{group}: {last['rate']:,.1f} {measure_label(denominator)} in {when} (the latest comparator figures)"
    if pd.notna(last["rank"]) and last["group_size"] > 1:
        rank, size = int(last["rank"]), int(last["group_size"])
        where = "the lowest" if rank == 1 else "the highest" if rank == size else f"{ordinal(rank)} lowest"
        status = band_status(last["rate"], last["band_low"], last["band_high"])  # one rule: "n/a" without a band
        band = f"{status} the band" if status != "n/a" else "no band (n/a: fewer than 2 rates)"
        text += f", {where} of {size} {group_label}, {band} (average {last['msg_average']:,.1f})"
    return text + "."


def gap_sentence(covered: pd.DatetimeIndex, months: pd.DatetimeIndex) -> str:
    """One sentence on the data's own gaps and what a year-on-year comparison can use."""
    months = pd.DatetimeIndex(months)
    missing = months[~months.isin(covered)]
    pairs = [m for m in covered if add_months(m, -12) in set(covered)]
    parts = []
    if len(missing):
        parts.append("No data for " + ", ".join(fmt_month(m) for m in missing) + " (shown as gaps, not zeros)")
    if len(covered):
        parts.append(
            f"{len(covered)} months of data ({fmt_month(covered.min())} to {fmt_month(covered.max())})"
        )
    if len(covered) < 24:
        parts.append(
            "fewer than 24 months, so there is no full rolling year-on-year comparison; "
            + (f"{len(pairs)} month(s) have the same month a year earlier: "
               + ", ".join(fmt_month(m) for m in pairs) if pairs else "no month has the same month a year earlier")
        )
    return "; ".join(parts) + "." if parts else ""


def unavailable_note(group: str, reason: str) -> str:
    """Said instead of the page when the source cannot give the crime group (crime_groups.toml)."""
    return f"{group}: {reason}. Choose another crime group in the sidebar."


def no_trend_sentence(group_label: str, problem: object) -> str:
    """Said instead of the trend chart when none can be drawn (``problem``: the ValueError raised)."""
    return f"No trend can be drawn for {group_label}: {problem}."
