"""Altair chart builders: pure functions from a tidy frame to an ``alt.Chart`` (no Streamlit).

Visual language (../shared/DESIGN.md): the partnership is one strong line; the MSG average a grey line
with a light grey band; the county a dashed line; the latest value annotated; titles state the finding
and subtitles give the measure, period and source. A gap in the data is a break in the line (each run
of consecutive months is its own ``segment``), never a drop to zero.

Other modules may add their own builders here; each returns a chart and is tested with ``to_dict()``.
"""

from __future__ import annotations

from typing import Any, Final, Literal, cast

import altair as alt
import numpy as np
import pandas as pd

PARTNERSHIP_COLOUR: Final = "#1f4e79"
MSG_COLOUR: Final = "#7f7f7f"
BAND_COLOUR: Final = "#d9d9d9"
COUNTY_COLOUR: Final = "#4d4d4d"
PEAK_COLOUR: Final = "#b35806"  # orange-brown: "up" in the diverging palette
BAR_COLOUR: Final = "#5b8db8"


def segments(frame: pd.DataFrame, column: str, *, key: str = "month") -> pd.DataFrame:
    """Rows with a value in ``column`` and a ``segment`` number that changes at every gap.

    Months are compared by position in ``frame`` (one row per month, gaps as NaN rows), so a missing
    month splits the line instead of joining its neighbours (or being drawn as zero).

    Examples
    --------
    >>> f = pd.DataFrame({"month": pd.date_range("2021-01-01", periods=4, freq="MS"),
    ...                   "v": [1.0, np.nan, 3.0, 4.0]})
    >>> segments(f, "v")["segment"].tolist()
    [0, 1, 1]
    """
    ordered = frame.sort_values(key).reset_index(drop=True)
    present = ordered[column].notna()
    seg = (~present).cumsum()
    out = ordered.loc[present].copy()
    out["segment"] = seg[present].astype("int64").to_numpy()
    return out


def _month_axis() -> alt.X:
    return alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount="month"))


def trend_chart(
    frame: pd.DataFrame,
    *,
    partnership: str,
    title: str,
    subtitle: str,
    measure: str = "per 1,000 residents",
    view: str = "rate",
    show_band: bool = True,
    show_county: bool = True,
    k: float = 1.0,
    group_label: str = "MSG",
    height: int = 380,
) -> alt.LayerChart:
    """The partnership's rate against its MSG average and ±k·SD band (and the county average).

    Parameters
    ----------
    frame
        :func:`csp_data.trends.trend_frame` output (one row per month, gaps as NaN rows).
    partnership
        Name shown in the legend.
    title, subtitle
        The finding, and the measure / period / source.
    measure
        Axis label for rates ('per 1,000 residents' or 'per 1,000 households').
    view
        ``"rate"`` (default) or ``"count"`` (the partnership's counts only: an average of other
        partnerships' counts would not be comparable).
    show_band, show_county
        Draw the MSG band and the county average line.
    k
        The band's half-width, for the legend text.
    group_label
        Name of the comparison group in the legend ('MSG', or 'County' when the county is the main group).

    Returns
    -------
    altair.LayerChart
        Layers: band (area), MSG average (grey line), county average (dashed), partnership (strong line
        with points), latest value (text). The rank ('4th/15') is in the tooltip.
    """
    if view not in ("rate", "count"):
        raise ValueError(f"view: expected 'rate' or 'count', got {view!r}")
    needed = ["month", "count", "rate", "msg_average", "band_low", "band_high", "rank_label"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"frame: missing column(s) {missing}; expected the output of trends.trend_frame()")
    value = "rate" if view == "rate" else "count"
    y_title = f"Crimes {measure}" if view == "rate" else "Crimes (count)"
    base = frame.copy()
    base["month"] = pd.to_datetime(base["month"])
    for col in ("county_average", "county_rank_label"):
        if col not in base.columns:
            base[col] = np.nan if col == "county_average" else "–"
    tooltip = [
        alt.Tooltip("month:T", title="Month", format="%b %Y"),
        alt.Tooltip("count:Q", title="Count", format=",.0f"),
        alt.Tooltip("rate:Q", title=f"Rate {measure}", format=",.2f"),
        alt.Tooltip("msg_average:Q", title=f"{group_label} average", format=",.2f"),
        alt.Tooltip("band_low:Q", title="Band low", format=",.2f"),
        alt.Tooltip("band_high:Q", title="Band high", format=",.2f"),
        alt.Tooltip("rank_label:N", title=f"{group_label} rank (1 = lowest)"),
        alt.Tooltip("county_rank_label:N", title="County rank"),
    ]
    avg_name = f"{group_label} average"
    series_names = [partnership]
    if view == "rate":
        series_names.append(avg_name)
        if show_county and base["county_average"].notna().any() and avg_name != "County average":
            series_names.append("County average")
    colours = {partnership: PARTNERSHIP_COLOUR, avg_name: MSG_COLOUR, "County average": COUNTY_COLOUR}
    dashes = {partnership: [1, 0], avg_name: [1, 0], "County average": [6, 4]}
    if avg_name == "County average":
        colours[avg_name], dashes[avg_name] = MSG_COLOUR, [1, 0]
    # one legend: colour and dash share the field and title, so Vega-Lite merges them (dashed county line)
    legend = alt.Legend(orient="top", direction="horizontal", symbolType="stroke", symbolStrokeWidth=3,
                        symbolSize=400, labelFontSize=12)
    color = alt.Color(
        "series:N", title=None, sort=series_names,
        scale=alt.Scale(domain=series_names, range=[colours[s] for s in series_names]), legend=legend,
    )
    dash = alt.StrokeDash(
        "series:N", title=None, sort=series_names,
        scale=alt.Scale(domain=series_names, range=[dashes[s] for s in series_names]), legend=legend,
    )
    layers: list[alt.Chart] = []
    if view == "rate":
        if show_band:
            band = segments(base.assign(band_low=base["band_low"].where(base["band_high"].notna())), "band_low")
            layers.append(
                alt.Chart(band).mark_area(opacity=0.6, color=BAND_COLOUR).encode(
                    x=_month_axis(), y=alt.Y("band_low:Q", title=y_title), y2="band_high:Q",
                    detail="segment:N", tooltip=tooltip,
                )
            )
            lone = band[band.groupby("segment")["segment"].transform("size") == 1]
            if len(lone):
                # an isolated month (e.g. annual figures) has no area to draw: show its band as a bar
                layers.append(
                    alt.Chart(lone).mark_rule(strokeWidth=14, color=BAND_COLOUR, opacity=0.8).encode(
                        x="month:T", y="band_low:Q", y2="band_high:Q", tooltip=tooltip,
                    )
                )
        msg = segments(base, "msg_average").assign(series=avg_name)
        layers.append(_line(msg, "msg_average", y_title, tooltip, color, dash, width=2))
        if "County average" in series_names:
            county = segments(base, "county_average").assign(series="County average")
            layers.append(_line(county, "county_average", y_title, tooltip, color, dash, width=2))
    own = segments(base, value).assign(series=partnership)
    layers.append(_line(own, value, y_title, tooltip, color, dash, width=3.5, points=True))
    if len(own):
        last = own.iloc[[-1]].copy()
        last["label"] = f"{last[value].iloc[0]:,.1f}" if view == "rate" else f"{last[value].iloc[0]:,.0f}"
        layers.append(
            alt.Chart(last).mark_text(align="left", dx=8, dy=-10, fontSize=14, fontWeight="bold",
                                      color=PARTNERSHIP_COLOUR).encode(
                x="month:T", y=f"{value}:Q", text="label:N"
            )
        )
    chart = alt.layer(*layers).properties(
        title=alt.TitleParams(text=title, subtitle=subtitle, anchor="start", fontSize=16, subtitleFontSize=12),
        height=height,
        width="container",
    )
    return cast(alt.LayerChart, chart)


def _line(
    data: pd.DataFrame,
    column: str,
    y_title: str,
    tooltip: list[alt.Tooltip],
    color: alt.Color,
    dash: alt.StrokeDash,
    *,
    width: float,
    points: bool = False,
) -> alt.Chart:
    # a segment of one month has no line to draw: show its point
    lone = bool(len(data)) and bool((data.groupby("segment")["segment"].transform("size") == 1).any())
    return alt.Chart(data).mark_line(strokeWidth=width, point=points or lone).encode(
        x=_month_axis(),
        y=alt.Y(f"{column}:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=color,
        strokeDash=dash,
        detail="segment:N",
        tooltip=tooltip,
    )


def monthly_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    y_title: str = "Incidents per month",
    colours: dict[str, str] | None = None,
    series: str = "series",
    mark: Literal["line", "bar"] = "line",
    height: int = 300,
) -> alt.LayerChart:
    """Monthly counts as lines (or bars) that break at every month without data, over the whole
    month range.

    Parameters
    ----------
    frame
        :func:`csp_data.periods.reindex_months` output (``month, count, note``; ``count`` NaN for a
        month the data does not cover), optionally with a ``series`` column (one line per value).
    title, y_title
        Chart title and y axis title.
    colours
        Series name -> colour (default: the partnership colour for one series).
    series
        The column naming each row's series (e.g. 'period': comparison / this period).
    mark
        ``"line"`` (one line per series, points, split at gaps) or ``"bar"`` (a bar per month with data).

    Returns
    -------
    altair.LayerChart
        A thin dashed grey rule with the tooltip 'n/a: no data before Jan 2021' for each month without
        data (never a point or bar at 0), then one line per series with points, split into ``segment``s at the gaps.
    """
    for col in ("month", "count"):
        if col not in frame.columns:
            raise ValueError(f"frame: missing column {col!r}; expected the output of periods.reindex_months()")
    data = frame.copy()
    data["month"] = pd.to_datetime(data["month"])
    if series not in data.columns:
        data[series] = "Count"
    if "note" not in data.columns:
        data["note"] = np.where(data["count"].isna(), "n/a", "")
    names = list(dict.fromkeys(data[series].astype(str)))
    palette = colours or {}
    default = [PARTNERSHIP_COLOUR, PEAK_COLOUR, MSG_COLOUR, COUNTY_COLOUR]
    scale = alt.Scale(domain=names, range=[palette.get(n, default[i % len(default)]) for i, n in enumerate(names)])
    months = data["month"]
    x = alt.X("month:T", title="Month", scale=alt.Scale(domain=[months.min().isoformat(), months.max().isoformat()]),
              axis=alt.Axis(format="%b %Y"))
    layers: list[alt.Chart] = []
    gaps = data.loc[data["count"].isna()].drop_duplicates("month")[["month", "note"]]
    if len(gaps):
        layers.append(
            # a thin dashed rule (never a bar: it must not read as a value) per month without data
            alt.Chart(gaps).mark_rule(color="#9e9e9e", strokeWidth=1, strokeDash=[2, 3], opacity=0.8).encode(
                x=x, tooltip=[alt.Tooltip("month:T", title="Month", format="%b %Y"), alt.Tooltip("note:N", title="Count")],
            )
        )
    color = alt.Color(f"{series}:N", title=None, scale=scale, legend=alt.Legend(orient="top", labelFontSize=13))
    tooltip = [alt.Tooltip("month:T", title="Month", format="%b %Y"), alt.Tooltip(f"{series}:N", title="Series"),
               alt.Tooltip("count:Q", title="Count", format=",.0f")]
    if mark == "bar":
        bars = data.loc[data["count"].notna()]
        layers.append(alt.Chart(bars).mark_bar().encode(
            x=x, y=alt.Y("count:Q", title=y_title), color=color, tooltip=tooltip))
    elif mark == "line":
        lines = pd.concat(
            [segments(part, "count").assign(**{series: name}) for name, part in data.groupby(series, sort=False)],
            ignore_index=True,
        )
        lines["segment"] = lines[series].astype(str) + "-" + lines["segment"].astype(str)
        layers.append(
            alt.Chart(lines).mark_line(point=True).encode(
                x=x, y=alt.Y("count:Q", title=y_title), color=color,
                strokeDash=alt.StrokeDash(f"{series}:N", legend=None), detail="segment:N", tooltip=tooltip,
            )
        )
    else:
        raise ValueError(f"mark: expected 'line' or 'bar', got {mark!r}")
    chart = alt.layer(*layers).properties(title=title, height=height)
    return cast(alt.LayerChart, chart)


def seasonality_chart(profile: pd.DataFrame, *, title: str, subtitle: str, height: int = 300) -> alt.LayerChart:
    """This year's monthly counts (bars; peaks in orange) against the average of the same month in
    earlier years (grey ticks). A month without data gets the text 'no data', not a zero bar."""
    needed = ["month", "month_name", "count", "average", "peak"]
    missing = [c for c in needed if c not in profile.columns]
    if missing:
        raise ValueError(f"profile: missing column(s) {missing}; expected the output of trends.seasonality()")
    data = profile.copy()
    data["label"] = pd.to_datetime(data["month"]).dt.strftime("%b %Y")
    data["kind"] = np.where(data["peak"], "Peak", "This year")
    order = data["label"].tolist()
    x = alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=0))
    tooltip = [
        alt.Tooltip("label:N", title="Month"),
        alt.Tooltip("count:Q", title="Count", format=",.0f"),
        alt.Tooltip("average:Q", title="Earlier years' average", format=",.1f"),
        alt.Tooltip("years_used:Q", title="Years averaged") if "years_used" in data else alt.Tooltip("label:N"),
    ]
    bars = alt.Chart(data.dropna(subset=["count"])).mark_bar().encode(
        x=x, y=alt.Y("count:Q", title="Crimes (count)"),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["This year", "Peak"],
                                                            range=[BAR_COLOUR, PEAK_COLOUR]),
                        legend=alt.Legend(orient="top")),
        tooltip=tooltip,
    )
    avg = alt.Chart(data.dropna(subset=["average"])).mark_tick(color="#333333", thickness=3, size=28).encode(
        x=x, y="average:Q", tooltip=tooltip
    )
    gaps = data[data["count"].isna()].assign(text="no data", zero=0)
    layers = [bars, avg]
    if len(gaps):
        layers.append(alt.Chart(gaps).mark_text(dy=-8, color="#7f7f7f", fontStyle="italic").encode(
            x=x, y="zero:Q", text="text:N"))
    chart = alt.layer(*layers).properties(
        title=alt.TitleParams(text=title, subtitle=subtitle, anchor="start", fontSize=16, subtitleFontSize=12),
        height=height, width="container",
    )
    return cast(alt.LayerChart, chart)


def profile_chart(
    profile: pd.DataFrame, *, x: str, title: str, subtitle: str, order: list[str] | None = None, height: int = 260
) -> alt.Chart:
    """Bars of ``count`` by ``x`` (day of week or hour of day) in the given order, share in the tooltip."""
    for col in (x, "count"):
        if col not in profile.columns:
            raise ValueError(f"profile: missing column {col!r}")
    data = profile.copy()
    data[x] = data[x].astype(str)
    sort = order if order is not None else data[x].tolist()
    tooltip = [alt.Tooltip(f"{x}:N", title=x.replace("_", " ").capitalize()),
               alt.Tooltip("count:Q", title="Count", format=",.0f")]
    if "share" in data:
        tooltip.append(alt.Tooltip("share:Q", title="Share %", format=".1f"))
    return alt.Chart(data).mark_bar(color=BAR_COLOUR).encode(
        x=alt.X(f"{x}:N", sort=sort, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title="Crimes (count)"),
        tooltip=tooltip,
    ).properties(
        title=alt.TitleParams(text=title, subtitle=subtitle, anchor="start", fontSize=16, subtitleFontSize=12),
        height=height, width="container",
    )


__all__ = [
    "BAND_COLOUR",
    "COUNTY_COLOUR",
    "MSG_COLOUR",
    "PARTNERSHIP_COLOUR",
    "monthly_chart",
    "profile_chart",
    "seasonality_chart",
    "segments",
    "trend_chart",
]


def peak_months_chart(
    months: pd.DataFrame, *, domain: list[str], title: str, subtitle: str, height: int = 260
) -> alt.Chart:
    """Bars of a count per month (``label``, ``count``, ``which`` = "Peak" or "Other"), peaks orange.

    ``domain`` is every month label in order, so a month without data (NaN count) keeps its place on
    the axis and has no bar (not a zero).
    """
    return (
        alt.Chart(months.dropna(subset=["count"]))  # a month without data has no bar (not a zero)
        .mark_bar()
        .encode(
            x=alt.X("label:N", title=None, sort=None, axis=alt.Axis(labelAngle=-45),
                    scale=alt.Scale(domain=domain)),
            y=alt.Y("count:Q", title="Per month"),
            color=alt.Color(
                "which:N",
                scale=alt.Scale(domain=["Peak", "Other"], range=["#C85200", "#0072B2"]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("label:N", title="Month"), alt.Tooltip("count:Q", format=",")],
        )
        .properties(height=height, title=alt.Title(title, subtitle=subtitle))
    )


TARGET_COLOUR: Final = "#D55E00"  # vermillion (Okabe-Ito): the target, distinct from the partnership's blue


def target_chart(series: pd.DataFrame, *, title: str, subtitle: str, y_title: str, height: int = 300) -> alt.LayerChart:
    """The rolling total against its baseline level and the target trajectory.

    Parameters
    ----------
    series
        :func:`csp_data.targets.target_series` output: ``month, value, baseline, trajectory``.
    title, subtitle, y_title
        The finding, the measure and period, and the y axis title ("Offences in the last 12 months").

    Returns
    -------
    altair.LayerChart
        The value as the partnership's solid line (broken at gaps), the baseline level as a grey
        dotted rule and the trajectory as a dashed vermillion line from the baseline's end to the due date.
    """
    for col in ("month", "value", "baseline", "trajectory"):
        if col not in series.columns:
            raise ValueError(f"series: missing column {col!r}; expected the output of targets.target_series()")
    data = series.assign(month=pd.to_datetime(series["month"]))
    line = segments(data, "value")
    tip = [alt.Tooltip("month:T", title="Month", format="%b %Y"), alt.Tooltip("value:Q", title=y_title, format=",.0f")]
    layers: list[alt.Chart] = [
        alt.Chart(line).mark_line(color=PARTNERSHIP_COLOUR, strokeWidth=3).encode(
            x=_month_axis(), y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)), detail="segment:N",
            tooltip=tip,
        )
    ]
    base = data["baseline"].dropna()
    if len(base):
        layers.append(alt.Chart(pd.DataFrame({"baseline": [float(base.iloc[0])], "label": ["Baseline level"]}))
                      .mark_rule(color=MSG_COLOUR, strokeDash=[2, 2], strokeWidth=2)
                      .encode(y="baseline:Q", tooltip=[alt.Tooltip("label:N", title=""),
                                                       alt.Tooltip("baseline:Q", title="Level", format=",.0f")]))
    path = data.dropna(subset=["trajectory"])
    if len(path):
        layers.append(alt.Chart(path).mark_line(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=2).encode(
            x=_month_axis(), y="trajectory:Q",
            tooltip=[alt.Tooltip("month:T", title="Month", format="%b %Y"),
                     alt.Tooltip("trajectory:Q", title="Target trajectory", format=",.0f")],
        ))
    chart = alt.layer(*layers).properties(title=alt.TitleParams(title, subtitle=subtitle, anchor="start"), height=height)
    return cast(alt.LayerChart, chart)


def distance_chart(table: pd.DataFrame, *, title: str, subtitle: str, msg_label: str | None = None) -> alt.Chart:
    """The suggested peers as horizontal bars of their distance, nearest at the top.

    ``table``: :attr:`csp_data.comparators.similar.Suggestion.table` (with ``in_msg`` when an MSG is
    given: members of it are drawn dark, others light, and the legend says which is which).
    """
    for col in ("partnership", "distance", "rank"):
        if col not in table.columns:
            raise ValueError(f"table: missing column {col!r}; expected a Suggestion table")
    data = table[table["rank"] > 0]
    colour: Any = alt.value(BAR_COLOUR)
    if msg_label and "in_msg" in data.columns:
        colour = alt.Color("in_msg:N", title=msg_label, scale=alt.Scale(domain=["yes", "no"],
                                                                        range=[PARTNERSHIP_COLOUR, BAR_COLOUR]))
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("partnership:N", sort=list(data["partnership"]), title=None,
                axis=alt.Axis(labelOverlap=False, labelLimit=220)),
        x=alt.X("distance:Q", title="Distance (weighted, in standard deviations)"),
        color=colour,
        tooltip=[alt.Tooltip("partnership:N", title="Partnership"), alt.Tooltip("distance:Q", title="Distance", format=".2f")],
    ).properties(title=alt.TitleParams(title, subtitle=subtitle, anchor="start"), height=max(160, 26 * len(data)))
    return chart


def small_multiples_chart(frame: pd.DataFrame, *, title: str, subtitle: str, measure: str, columns: int = 5,
                          width: int = 135) -> alt.FacetChart:
    """One panel per partnership: its monthly rate (solid, broken at gaps) and the county average (dashed).

    ``frame``: ``partnership, month, rate, county_average`` (csp_data.comparators.county.county_rates).
    """
    for col in ("partnership", "month", "rate", "county_average"):
        if col not in frame.columns:
            raise ValueError(f"frame: missing column {col!r}; expected county_rates() output")
    data = frame.assign(month=pd.to_datetime(frame["month"]))
    parts = []
    for name, sub in data.groupby("partnership", sort=False):
        seg = segments(sub.sort_values("month").reset_index(drop=True), "rate")
        parts.append(seg.assign(partnership=name))
    lines = pd.concat(parts, ignore_index=True) if parts else data.assign(segment=0)
    tip = [alt.Tooltip("partnership:N", title="Partnership"), alt.Tooltip("month:T", title="Month", format="%b %Y"),
           alt.Tooltip("rate:Q", title=measure, format=".2f"),
           alt.Tooltip("county_average:Q", title="County average", format=".2f")]
    own = alt.Chart().mark_line(color=PARTNERSHIP_COLOUR, strokeWidth=2).encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %y", labelAngle=0, tickCount=4)),
        y=alt.Y("rate:Q", title=measure), detail="segment:N", tooltip=tip)
    county = alt.Chart().mark_line(color=COUNTY_COLOUR, strokeDash=[4, 3], strokeWidth=1.5).encode(
        x="month:T", y="county_average:Q", tooltip=tip)
    order = list(dict.fromkeys(frame["partnership"]))
    chart = alt.layer(own, county, data=lines).properties(width=width, height=110).facet(
        facet=alt.Facet("partnership:N", title=None, sort=order), columns=columns,
    ).properties(title=alt.TitleParams(title, subtitle=subtitle, anchor="start"))
    return chart


def district_map_chart(districts: pd.DataFrame, values: dict[str, float], *, title: str, subtitle: str,
                       measure: str, width: int = 520) -> alt.LayerChart:
    """The districts shaded by rate (a sequential, colour-blind-safe scheme), 'n/a' districts hatched grey.

    ``districts``: ``partnership, geometry`` in EPSG:4326 (a GeoDataFrame's ``to_crs(4326)``).
    """
    features = []
    for name, geom in zip(districts["partnership"], districts.geometry, strict=True):
        rate = values.get(str(name))
        point = geom.representative_point()  # inside the polygon, for the label
        features.append({"type": "Feature", "geometry": geom.__geo_interface__,
                         "properties": {"partnership": str(name), "rate": rate,
                                        "shown": "n/a" if rate is None else f"{rate:.2f}",
                                        "lon": point.x, "lat": point.y}})
    data = alt.InlineData(values=features, format=alt.DataFormat(type="json"))
    tip = [alt.Tooltip("properties.partnership:N", title="Partnership"),
           alt.Tooltip("properties.shown:N", title=measure)]
    shaded = alt.Chart(data).mark_geoshape(stroke="#ffffff", strokeWidth=1).encode(
        color=alt.Color("properties.rate:Q", title=measure, scale=alt.Scale(scheme="viridis", reverse=True)),
        tooltip=tip,
    ).transform_filter("datum.properties.rate != null")
    missing = alt.Chart(data).mark_geoshape(stroke="#ffffff", strokeWidth=1, color=BAND_COLOUR).encode(
        tooltip=tip).transform_filter("datum.properties.rate == null")
    where = {"longitude": "properties.lon:Q", "latitude": "properties.lat:Q", "text": "properties.partnership:N"}
    halo = alt.Chart(data).mark_text(fontSize=12, stroke="#ffffff", strokeWidth=4, strokeJoin="round").encode(**where)
    labels = alt.Chart(data).mark_text(fontSize=12, color="#000000").encode(**where)
    # only layers with features: an empty mark group has no accessible name (axe: svg-img-alt)
    rated = [f["properties"]["rate"] is not None for f in features]
    layers = [*([missing] if not all(rated) else []), *([shaded] if any(rated) else []), halo, labels]
    chart = alt.layer(*layers).project(type="mercator").properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start"), width=width, height=width)
    return cast(alt.LayerChart, chart)
