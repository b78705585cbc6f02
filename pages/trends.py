"""Trends: are we better or worse than similar places, and is the change real?

Thin page: read the dataset and filters -> csp_data.comparators / csp_data.trends -> render.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from csp_data.change import TEST_LABELS
from csp_data.charts import profile_chart, seasonality_chart, trend_chart
from csp_data.comparators import TIE_RULE, area_total, band_status, period_position, with_partnership
from csp_data.groups import ALL_CRIME
from csp_data.model import Dataset
from csp_data.periods import Period, fmt_month, fmt_month_counts, month_range
from csp_data.trends import (
    WEEKDAYS,
    PositionInputs,
    choose_denominator,
    comparators_with_partnership,
    data_months,
    day_of_week_profile,
    gap_report,
    gap_sentence,
    hour_profile,
    latest_sentence,
    measure_label,
    month_pairs,
    monthly_counts,
    position_inputs,
    position_sentence,
    position_table,
    seasonality,
    trend_frame,
    yoy_display,
    yoy_table,
)
from ui.cache import get_dataset, get_engine
from ui.common import current, demo_banner, download_buttons, source_caption

VIEWS = {"rate": "Monthly rate", "rolling": "Rolling 12-month rate", "count": "Monthly count"}


def _area_total(dataset: Dataset, column: str) -> float | None:
    """The one rule (comparators.area_total): valid only when every area has a value, as on Priorities."""
    return area_total(dataset.areas, column)[0]


@st.cache_data(max_entries=8, show_spinner=False)
def _comparators(dataset_key: str, partnership: str) -> tuple[pd.DataFrame, list[str]]:
    ds = get_dataset(dataset_key)
    return comparators_with_partnership(
        ds.comparators, ds.incidents, ds.groups, partnership,
        population=_area_total(ds, "population"), households=_area_total(ds, "households"),
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _position_inputs(
    dataset_key: str, partnership: str, msg: tuple[str, ...], county: tuple[str, ...]
) -> PositionInputs:
    """The members' counts of every crime group: they do not change with the period, so a period
    change only re-ranks."""
    ds = get_dataset(dataset_key)
    comp, _ = _comparators(dataset_key, partnership)
    return position_inputs(comp, partnership, msg=list(msg), county=list(county), groups=ds.groups)


@st.cache_data(max_entries=32, show_spinner="Ranking every crime group…")
def _positions(
    dataset_key: str, partnership: str, msg: tuple[str, ...], county: tuple[str, ...],
    start: pd.Timestamp, end: pd.Timestamp, k: float,
) -> pd.DataFrame:
    ds = get_dataset(dataset_key)
    return position_table(None, partnership, msg=list(msg), county=list(county), period=Period(start, end),
                          groups=ds.groups, k=k, inputs=_position_inputs(dataset_key, partnership, msg, county))


def _short_source(dataset: Dataset) -> str:
    if dataset.is_demo:
        return "synthetic demo data"
    text = re.split(r"\s\(|\.\s", dataset.source)[0].strip().rstrip(",.")
    return text[:70] or dataset.name


def _fmt(v: float, digits: int = 1) -> str:
    return "–" if pd.isna(v) else f"{v:,.{digits}f}"


dataset, filters = current()
demo_banner(dataset)
partnership = dataset.partnership or dataset.name
st.title(f"{partnership}: trends against similar places")

if dataset.latest_month is None:
    st.warning("No incidents are loaded. See the Data page for what was read and rejected.")
    st.stop()

dataset_key = st.session_state.get("dataset_key", dataset.name)
comp, comp_notes = _comparators(dataset_key, partnership)
groups = dataset.groups
availability = groups.availability(filters.group)  # a labelled proxy or n/a on this source (crime_groups.toml)
if availability.status == "n/a":
    st.info(f"{filters.group}: {availability.na}. Choose another crime group in the sidebar.")
    st.stop()
group = availability.measured or filters.group  # the group counted
group_label = availability.label  # what every sentence, title and table calls it
period = filters.period

# ---------------------------------------------------------------------------------------- peer groups
all_names = sorted(set(comp["partnership"].dropna().astype(str)) | {
    n for members in dataset.peer_groups.values() for n in members
})
options = [n for n in all_names if n != partnership]
# The chosen groups live in session state under their own keys (widget state is dropped when the user
# visits another page); the widgets start from them and copy changes back.
saved = f"trend_peers::{dataset.name}::{partnership}"
if saved not in st.session_state:
    st.session_state[saved] = {
        name: [n for n in dataset.peer_groups.get(name, []) if n in options] for name in ("msg", "county")
    }


def _keep(name: str) -> None:
    st.session_state[saved][name] = list(st.session_state[f"trend_{name}"])


with st.expander("Peer groups: the Most Similar Group (MSG) and the county — edit for this session"):
    st.caption(
        f"{partnership} is always in its own groups. Membership need not be symmetric (a peer's own MSG may "
        "leave you out). Changes last for this browser session; to keep them, edit the peer groups in csp.toml "
        "(see config/peer_groups.example.toml)."
    )
    c1, c2 = st.columns(2)
    c1.multiselect("MSG members", options, default=st.session_state[saved]["msg"], key="trend_msg",
                   on_change=_keep, args=("msg",), placeholder="No MSG: the county is used")
    c2.multiselect("County members", options, default=st.session_state[saved]["county"], key="trend_county",
                   on_change=_keep, args=("county",), placeholder="No county group")
msg = list(st.session_state[saved]["msg"])
county = list(st.session_state[saved]["county"])
if msg:
    primary, primary_label, second = msg, "MSG", county
else:
    primary, primary_label, second = county, "county", []

# ---------------------------------------------------------------------------------------- controls
c1, c2, c3 = st.columns([3, 2, 2])
view = c1.radio("View", list(VIEWS), format_func=VIEWS.__getitem__, horizontal=True, key="trend_view")
k = c2.select_slider("Band width (± k standard deviations)", [0.5, 1.0, 1.5, 2.0, 2.5, 3.0], value=1.0, key="trend_k")
show_county = c3.toggle("County line", value=bool(second), disabled=not second, key="trend_county_line")
if filters.crime_types or filters.areas:
    st.caption(
        "Comparisons are between whole partnerships and whole crime groups: the crime-type and area "
        "selections in the sidebar are not applied to the rates, ranks and position table on this page."
    )
monthly_rows = comp.get("period_months", pd.Series(1, index=comp.index)).fillna(1).eq(1).any()
if view in ("rate", "count") and not monthly_rows:
    st.info("The comparator table has annual or quarterly figures only, so the rolling 12-month view is shown.")
    view = "rolling"

denominator, denom_note = choose_denominator(
    comp, with_partnership(primary, partnership), group, groups, area_households=_area_total(dataset, "households")
)
measure = measure_label(denominator)

# ---------------------------------------------------------------------------------------- the answer
pos = period_position(comp, partnership, primary, group, period, denominator=denominator, groups=groups, k=k)
label = f"in the {primary_label}"
sentence = position_sentence(group_label, pos, period=period, group_label=label, denominator=denominator)
if pd.isna(pos["rate"]):
    # the chosen period has no comparator figures (e.g. annual ONS tables): say so, then give the latest
    try:
        latest = trend_frame(comp, partnership, group, msg=primary, denominator=denominator, groups=groups,
                             rolling=12, k=k)
        sentence = latest_sentence(latest, group_label, group_label=label, denominator=denominator) + f" {sentence}"
    except ValueError:
        pass
if not primary:
    sentence = sentence.rstrip(".") + " (no peer group set: open 'Peer groups' above)."
st.markdown(f"### {sentence}")
if second:
    cpos = period_position(comp, partnership, second, group, period, denominator=denominator, groups=groups, k=k)
    st.markdown(position_sentence(group_label, cpos, period=period, group_label="in the county",
                                  denominator=denominator))
pop_missing = area_total(dataset.areas, "population")[1]
if pop_missing and any("no population is known" in n for n in comp_notes):
    comp_notes = [*comp_notes, f"No rate for {partnership} from its areas: {pop_missing}."]
for note in [*comp_notes, denom_note]:
    if note:
        st.caption(note)
if pos["missing"]:
    missing = "; ".join(f"{p}: {why}" for p, why in pos["missing"].items())
    st.caption(f"Without a rate for {period.label} (left out of the average and the rank): {missing}.")

# ---------------------------------------------------------------------------------------- trend chart
rolling = 12 if view == "rolling" else None
try:
    frame = trend_frame(
        comp, partnership, group, msg=primary, county=second if show_county else (), denominator=denominator,
        groups=groups, rolling=rolling, k=k,
    )
except ValueError as exc:
    st.warning(f"No trend can be drawn for {group_label}: {exc}.")
    frame = None
if frame is not None:
    shown = frame[frame["rate"].notna() | frame["count"].notna()]
    last = shown.iloc[-1] if len(shown) else None
    if last is not None and pd.notna(last["rate"]):
        status = band_status(last["rate"], last["band_low"], last["band_high"])  # "n/a" without a band
        title = (
            f"{partnership} is {status} the {primary_label} band in {fmt_month(last['month'])}: "
            f"{last['rank_label']} (1 = lowest rate)" if last["group_size"] > 1 and status != "n/a" else
            f"{partnership}: {_fmt(last['rate'])} {measure} in {fmt_month(last['month'])}"
            + (f", no {primary_label} band (n/a: fewer than 2 members with a rate)" if last["group_size"] > 1 else "")
        )
    else:
        title = f"{partnership}: {group_label}"
    span = f"{fmt_month(frame['month'].min())} to {fmt_month(frame['month'].max())}"
    kind = "rolling 12 months" if rolling else "monthly"
    what = "Crimes (count)" if view == "count" else f"Crimes {measure}"
    subtitle = f"{group_label} · {what}, {kind}, {_short_source(dataset)}, {span}"
    chart = trend_chart(
        frame.assign(county_average=frame["county_average"] if show_county else float("nan")),
        partnership=partnership, title=title, subtitle=subtitle, measure=measure,
        view="count" if view == "count" else "rate", show_county=show_county, k=k,
        group_label="MSG" if primary_label == "MSG" else "County",
    )
    st.altair_chart(chart, width="stretch")
    if last is not None and pd.notna(last["rate"]) and view != "count":
        summary = (
            f"In {fmt_month(last['month'])} {partnership}'s rate was {_fmt(last['rate'], 2)} {measure} against a "
            f"{primary_label} average of {_fmt(last['msg_average'], 2)} (band {_fmt(last['band_low'], 2)} to "
            f"{_fmt(last['band_high'], 2)}, ± {k:g} SD), {last['rank_label']} (1 = lowest)."
        )
    elif last is not None:
        summary = f"In {fmt_month(last['month'])} {partnership} recorded {_fmt(last['count'], 0)} {group_label}."
    else:
        summary = "No month has a value to show."
    gaps = frame.loc[frame["rate"].isna() & frame["count"].isna(), "month"]
    annual_only = not comp.get("period_months", pd.Series(1, index=comp.index)).fillna(1).eq(1).any()
    if annual_only:
        summary += " The comparator table gives one figure per year or quarter, so points are not joined."
    elif len(gaps) and rolling:
        summary += f" Rolling-12 values need 12 months in a row: {len(gaps)} month(s) have none (not zero)."
    elif len(gaps):
        summary += f" No data for {', '.join(fmt_month(m) for m in gaps)} (gaps, not zeros)."
    st.markdown(summary)
    st.caption(
        f"Grey line: the {primary_label} average, the plain mean of the members' rates ({partnership} included); "
        f"grey band: ± {k:g} sample standard deviations (n − 1). Rank 1 = lowest rate; {TIE_RULE}."
        + (" Dashed line: the county average." if show_county and second else "")
        + (" Rates are per 1,000 households." if denominator == "households" else "")
    )
    if st.toggle("Show the table behind the chart", key="trend_table"):
        table = frame.copy()
        table.insert(0, "Month", table.pop("month").dt.strftime("%b %Y"))
        st.dataframe(table.astype(object).where(table.notna(), "n/a"), hide_index=True, width="stretch")
    download_buttons(frame.assign(crime_group=group_label),
                     f"trend_{group}_{'rolling12' if rolling else 'monthly'}".replace(" ", "_"), key="trend")
source_caption(dataset, extra=f"Comparators: {len(set(comp['partnership']))} partnerships in the comparator table.")

# ---------------------------------------------------------------------------------------- position table
st.subheader(f"Position: {period.label} against {period.year_earlier().label}")
positions = _positions(dataset_key, partnership, tuple(primary), tuple(second), period.start, period.end, float(k))
pos_shown = pd.DataFrame({
    "Crime group": positions["label"],
    "Measure": positions["measure"],
    "Rate": positions["rate"].map(lambda v: _fmt(v, 2)),
    f"{primary_label.upper() if primary_label == 'MSG' else 'County'} average": positions["msg_average"].map(
        lambda v: _fmt(v, 2)),
    "Difference": positions["difference"].map(lambda v: "–" if pd.isna(v) else f"{v:+,.2f}"),
    "Band": positions["status"],
    f"{primary_label.upper() if primary_label == 'MSG' else 'County'} rank": positions["msg_rank_label"],
    "A year earlier": positions["msg_rank_label_earlier"],
    "Note": positions["note"],
})
if second:
    pos_shown.insert(7, "County rank", positions["county_rank_label"])
    pos_shown.insert(9, "County rank a year earlier", positions["county_rank_label_earlier"])
st.dataframe(pos_shown, hide_index=True, width="stretch")
above = positions.loc[positions["status"] == "above", "label"].tolist()
below = positions.loc[positions["status"] == "below", "label"].tolist()
st.markdown(
    f"Above the {primary_label} band: {', '.join(above) if above else 'none'}. "
    f"Below it: {', '.join(below) if below else 'none'}."
)
st.caption(
    f"Rates for the whole period (sum of the months' counts over the population × 1,000). Rank 1 = lowest rate; "
    f"{TIE_RULE}. A blank 'a year earlier' means the data does not cover {period.year_earlier().label}."
)
download_buttons(positions, f"position_{period.start:%Y%m}_{period.end:%Y%m}", key="position")

# ---------------------------------------------------------------------------------------- year on year
st.subheader(f"Looking back: {period.label} against {filters.comparison.label}")
engine = get_engine(dataset_key)  # year-on-year and monthly counts are pushed down to DuckDB
covered = data_months(None, engine=engine)
yoy = yoy_table(None, groups, period, filters.comparison, covered=covered, engine=engine)
st.dataframe(yoy_display(yoy), hide_index=True, width="stretch")
sig = yoy[yoy["significant"].fillna(False).astype(bool)]
if yoy["current"].isna().all() or yoy["previous"].isna().all():
    st.markdown(
        "The data does not cover both periods in full, so no year-on-year change is given "
        "(a part-year is never compared with a whole year)."
    )
else:
    st.markdown(
        "Changes significant at 95%: "
        + (", ".join(f"{r.label} ({r.pct_label})" for r in sig.itertuples()) if len(sig) else "none")
        + "."
    )
st.caption(f"Test: {TEST_LABELS['poisson_z']}; |z| > 1.96 is significant at 95%. Small numbers: both counts "
           "under 20, where a percentage change swings widely. 'new' = none in the previous period; "
           "'no change' = none in either; 'n/a' = the data does not cover the period.")
download_buttons(yoy, f"year_on_year_{period.start:%Y%m}_{period.end:%Y%m}", key="yoy")
series = monthly_counts(None, groups, group, covered=covered, engine=engine)
pairs = month_pairs(series)
if yoy["previous"].isna().all() and len(pairs):
    st.markdown(f"What can be compared: {group_label} in the months that have the same month a year earlier.")
    st.dataframe(pd.DataFrame({
        "Month": pairs["month"].dt.strftime("%b %Y"),
        "A year earlier": pairs["previous_month"].dt.strftime("%b %Y"),
        "Count a year earlier": pairs["previous"].map(lambda v: _fmt(v, 0)),
        "Count": pairs["current"].map(lambda v: _fmt(v, 0)),
        "Change": pairs["change"].map(lambda v: f"{v:+,.0f}"),
        "% change": pairs["pct_label"],
        "Significance": pairs["significance"],
        "Small numbers": pairs["small_numbers"].map({True: "⚠ yes", False: ""}),
    }), hide_index=True, width="stretch")

# ---------------------------------------------------------------------------------------- seasonality
st.subheader(f"Seasonality: {group_label}")
profile = seasonality(dataset.incidents, groups, group, latest=period.end, crime_types=filters.crime_types,
                      covered=covered, engine=engine)
peaks = profile.loc[profile["peak"], "month"].dt.strftime("%b %Y").tolist()
with_avg = int(profile["average"].notna().sum())
st.altair_chart(
    seasonality_chart(
        profile,
        title=f"{group_label}: peak month(s) {', '.join(peaks) if peaks else 'none'} in the 12 months to "
              f"{fmt_month(period.end)}",
        subtitle=f"Crimes (count) per month; tick = average of the same month in up to 3 earlier years; "
                 f"{_short_source(dataset)}",
    ),
    width="stretch",
)
st.markdown(
    f"Peaks ({profile.attrs.get('peak_rule', '')}): {', '.join(peaks) if peaks else 'none'}. "
    f"An earlier-years average exists for {with_avg} of 12 months"
    + ("." if with_avg else " (the data starts less than a year before this period).")
)
if st.toggle("Show the seasonality table", key="season_table"):
    st.dataframe(profile.assign(month=profile["month"].dt.strftime("%b %Y"), count=fmt_month_counts(profile))
                 .astype(object).where(lambda t: t.notna(), "n/a"), hide_index=True, width="stretch")
download_buttons(profile, f"seasonality_{group}".replace(" ", "_"), key="season")

if dataset.has_times:
    c1, c2 = st.columns(2)
    dow = day_of_week_profile(None, groups, group, period=period, crime_types=filters.crime_types, engine=engine)
    hours = hour_profile(None, groups, group, period=period, crime_types=filters.crime_types, engine=engine)
    with c1:
        st.altair_chart(profile_chart(dow, x="day", order=WEEKDAYS, title="Day of the week",
                                      subtitle=f"{group_label}, {period.label}"), width="stretch")
        top = dow.sort_values("count", ascending=False).iloc[0]
        st.markdown(f"Busiest day: {top['day']} ({_fmt(top['share'])}% of {group_label}).")
        download_buttons(dow, "day_of_week", key="dow")
    with c2:
        st.altair_chart(profile_chart(hours, x="hour", order=[str(h) for h in range(24)], title="Hour of the day",
                                      subtitle=f"{group_label}, {period.label}"), width="stretch")
        toph = hours.sort_values("count", ascending=False).iloc[0]
        st.markdown(
            f"Busiest hour: {int(toph['hour']):02d}:00–{int(toph['hour']):02d}:59 ({_fmt(toph['share'])}%)."
            + (f" {hours.attrs['untimed']:,} incidents have no time." if hours.attrs.get("untimed") else "")
        )
        download_buttons(hours, "hour_of_day", key="hours")
    if st.toggle("Show the day and hour tables", key="profile_tables"):
        t1, t2 = st.columns(2)
        t1.dataframe(dow, hide_index=True, width="stretch")
        t2.dataframe(hours, hide_index=True, width="stretch")
else:
    st.caption("Day-of-week and hour-of-day profiles need dates and times (force extracts); police.uk data "
               "gives the month only.")

# ---------------------------------------------------------------------------------------- gaps
st.subheader("What is missing")
months = month_range(dataset.first_month, dataset.latest_month)
st.markdown(gap_sentence(covered, months) or "Every month from the first to the latest has data.")
gaps_table = gap_report(comp, [*primary, *second], months=months, partnership=partnership)
st.dataframe(gaps_table, hide_index=True, width="stretch")
download_buttons(gaps_table, "comparator_gaps", key="gaps")
if group == ALL_CRIME:
    st.caption("All crime excludes ASB. police.uk counts are not the same measure as ONS recorded crime.")
