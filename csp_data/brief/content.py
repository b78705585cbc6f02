"""What the briefing pack says: its sections, built from the same functions the pages use (no Streamlit).

Each section is a heading, paragraphs (generated sentences, Markdown bold allowed), tables (display
frames) and images (SVG documents from :mod:`csp_data.images`); :mod:`csp_data.brief.html` lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final

import numpy as np
import pandas as pd
import shapely

from csp_data import classification as K
from csp_data import hotspots
from csp_data import images as I
from csp_data import trends as tr
from csp_data.asb import asb_split, no_class_reason, split_display, split_sentence
from csp_data.charts import trend_chart
from csp_data.comparators import area_total, period_position
from csp_data.disclosure import drop_small_rows, statement, suppress_chart_data, suppress_table, suppress_text
from csp_data.engine import Engine
from csp_data.format import na
from csp_data.fund import fund_summary, ledger_table, spend_by_priority
from csp_data.groups import ALL_CRIME, ALL_INCIDENTS, ASB
from csp_data.hotspots import view as V
from csp_data.indicators import dataset_indicator_summary, summary_display
from csp_data.model import Dataset
from csp_data.outcomes import OutcomeData, load_outcome_classes, outcome_view, unmapped
from csp_data.overview import headline_display, headline_table
from csp_data.periods import Period, comparable_period, fmt_month
from csp_data.query import Query
from csp_data.risk import RiskConfig, display_table, load_risk_config, priority_table
from csp_data.risk import indicators as risk_indicators
from csp_data.targets import dataset_progress, progress_display
from csp_data.text import data as data_text
from csp_data.text import indicators as indicator_text
from csp_data.text import overview as overview_text
from csp_data.text import trends as trends_text
from csp_data.text.priorities import DEMO_CAVEAT, POLICEUK_CAVEAT
from csp_data.trends import view as trends_view

#: The area map and Gi* top tables list this many rows.
TOP_ROWS = 10


@dataclass(frozen=True)
class Image:
    """An SVG document (vector: sharp in print, small, text kept as text) and its text alternative."""

    svg: str
    alt: str


@dataclass
class Section:
    """One part of the pack: a heading, then paragraphs, images and tables in that order."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    page_break: bool = True
    #: Fixed method text (captions with formulas, no data count), after the paragraphs; partner-safe
    #: mode leaves it as written ("z = 2(√current − √previous)" is not a count).
    notes: list[str] = field(default_factory=list)


@dataclass
class Brief:
    """The whole pack: the cover fields, the sections and the footer's attribution and date."""

    title: str
    cover: list[tuple[str, str]]
    sections: list[Section]
    attribution: str
    made: str
    threshold: int | None = None

    @property
    def partner_safe(self) -> bool:
        """Partner-safe mode: built with a disclosure threshold."""
        return self.threshold is not None


def outline_of(dataset: Dataset, areas: Sequence[str] = ()) -> shapely.Geometry | None:
    """The selected areas' outline, else the partnership boundary, else the union of all areas."""
    if dataset.areas is not None and areas:
        sel = dataset.areas.loc[dataset.areas["area_code"].isin(list(areas))]
        if len(sel):
            return shapely.union_all(np.asarray(sel["geometry"]))
    if dataset.boundary is not None:
        return dataset.boundary
    if dataset.areas is not None and len(dataset.areas):
        return shapely.union_all(np.asarray(dataset.areas["geometry"]))
    return None


def build_brief(
    dataset: Dataset,
    query: Query,
    *,
    config: RiskConfig | None = None,
    threshold: int | None = None,
    made: datetime | None = None,
    fund: tuple[pd.DataFrame, int | None] | None = None,
    outcomes: OutcomeData | None = None,
    incident_format: str = "",
) -> Brief:
    """The briefing pack of ``dataset`` for ``query``'s period, comparison, group and areas.

    Parameters
    ----------
    dataset
        The loaded dataset.
    query
        A query with a period and comparison (``Query.window``); its group (default every incident) and
        areas filter the overview and the maps.
    config
        The priority scoring settings (default: the shipped risk config).
    threshold
        Partner-safe mode when given (the dataset config's ``[disclosure] threshold``): every count
        from 1 to ``threshold`` − 1 in every table, sentence, chart and map legend is suppressed by
        :mod:`csp_data.disclosure` (chart points become gaps), and the cover and footer state the mode.
        None (default): the full pack.
    made
        The time stamped on every page (default: now).
    fund
        The partnership fund's ledger (csp_data.fund) and budget in pence (None: balances n/a), for a
        "Partnership fund" section before the data notes; None (default): no such section.
    outcomes
        The dataset's outcomes (csp_data.outcomes.outcome_data) for the outcome mix against the county;
        None (default): the mix is n/a with that reason.
    incident_format
        The dataset config's ``[incidents] format`` ("policeuk" or "force"): says why there is no ASB
        class split when the incidents have no ``asb_class`` column.
    """
    period, comparison = query.window
    config = config or load_risk_config()
    engine = Engine.from_frame(dataset.incidents)
    partnership = dataset.partnership or dataset.name
    group = query.group or ALL_INCIDENTS
    filters = [f"crime group: {group}"]
    if query.crime_types:
        filters.append(f"crime types: {', '.join(query.crime_types)}")
    filters.append(f"{dataset.area_label}s: {', '.join(query.areas)}" if query.areas else f"all {dataset.area_label}s")
    if threshold is not None:
        filters.append(statement(threshold))
    cover = [
        ("Partnership", partnership),
        ("Period", period.label),
        ("Compared with", comparison.label),
        ("Filters", "; ".join(filters)),
        ("Data", data_text.span(dataset.first_month, dataset.latest_month)),
    ]
    risk = priority_table(dataset, period=period, comparison=comparison, config=config)
    sections = [
        overview_section(dataset, query, period, comparison, engine, threshold=threshold),
        risk_section(risk, risk_indicators.dataset_indicator_priorities(dataset, config, period=period,
                                                                       comparison=comparison)),
        *priority_sections(dataset, risk, config, period, threshold=threshold),
        outcomes_section(dataset, period, outcomes, incident_format=incident_format),
        hotspot_section(dataset, query, period, comparison, threshold=threshold),
        *([fund_section(*fund)] if fund is not None else []),
        notes_section(dataset),
    ]
    if (partners := indicators_section(dataset, period, comparison)) is not None:
        sections.insert(2, partners)  # after the priority risk table
    if threshold is not None:
        sections = [safe_section(s, threshold) for s in sections]
    stamp = (made or datetime.now()).strftime("%d %b %Y %H:%M")
    return Brief(
        title=f"{partnership}: briefing pack, {period.label}", cover=cover, sections=sections,
        attribution=data_text.attribution(dataset.source), made=stamp, threshold=threshold,
    )


#: Text columns of the pack's tables whose cells are generated sentences (besides disclosure.TEXT_COLUMNS).
SENTENCE_COLUMNS: Final = ("Why",)


def safe_section(section: Section, threshold: int) -> Section:
    """``section`` in partner-safe mode: every paragraph and image text through ``suppress_text``, every
    table through ``suppress_table`` (counts and the cells computed from them; the *Why* sentences
    through ``suppress_text``). The section's own builder has already made its chart data and the
    inputs of its sentences safe (gaps, rows without small counts)."""
    tables = []
    for caption, frame in section.tables:
        shown = suppress_table(frame, threshold)
        for col in SENTENCE_COLUMNS:
            if col in shown.columns:
                shown[col] = [suppress_text(v, threshold) if isinstance(v, str) else v for v in shown[col].tolist()]
        tables.append((suppress_text(caption, threshold), shown))
    return replace(
        section,
        heading=suppress_text(section.heading, threshold),
        paragraphs=[suppress_text(p, threshold) for p in section.paragraphs],
        images=[replace(i, alt=suppress_text(i.alt, threshold)) for i in section.images],
        tables=tables,
    )


def overview_section(dataset: Dataset, query: Query, period: Period, comparison: Period, engine: Engine, *,
                     threshold: int | None = None) -> Section:
    """The overview table with significance, and its generated summary (in partner-safe mode the
    sentence names no group with a small count, as the Overview page)."""
    table = headline_table(None, dataset.groups, period=period, comparison=comparison, areas=query.areas,
                           months_available=dataset.months, engine=engine)
    allowed = comparable_period(period, query.preset or "custom", dataset.months)
    named = table if threshold is None else drop_small_rows(
        table, threshold, counts=["previous", "current"], always=table["crime_group"].isin([ALL_CRIME, ASB]))
    sentence = overview_text.headline_sentence(named, period=period, comparison=comparison,
                                               months_available=dataset.months, allowed=allowed)
    return Section(
        "Overview",
        paragraphs=[sentence + overview_text.scope_note(dataset.area_label, query.areas)],
        notes=[overview_text.headline_caption(comparison)],
        tables=[("Incidents by crime group", headline_display(table, period=period, comparison=comparison))],
        page_break=False,
    )


def indicators_section(dataset: Dataset, period: Period, comparison: Period) -> Section | None:
    """Partner indicators (sentences and table, as on the Overview) and progress against the targets;
    None when the dataset has neither (docs/indicators.md)."""
    if dataset.indicators is None and not dataset.targets:
        return None
    partnership = dataset.partnership or dataset.name
    section = Section(f"{indicator_text.TITLE} and {indicator_text.TARGETS_TITLE.lower()}")
    if dataset.indicators is not None:
        summary = dataset_indicator_summary(dataset, period=period, comparison=comparison)
        section.paragraphs.extend(indicator_text.indicator_paragraphs(
            summary, partnership=partnership, period=period, comparison=comparison))
        section.tables.append((indicator_text.TITLE, summary_display(summary, period=period, comparison=comparison)))
        section.notes.append(indicator_text.CAPTION)
    if dataset.targets:
        progress = dataset_progress(dataset)
        section.paragraphs.extend(indicator_text.target_sentences(progress))
        section.tables.append(("Progress against targets", progress_display(progress)))
        section.notes.append(indicator_text.TARGETS_CAPTION)
    return section


def risk_section(risk: pd.DataFrame, indicators: pd.DataFrame | None = None) -> Section:
    """The priority risk table with its Why column (split in two so that each fits an A4 page's width);
    with ``indicators`` (csp_data.risk.indicators.dataset_indicator_priorities), the partner indicators
    scored as priorities after it, as on the Priorities page."""
    shown = display_table(risk)
    numbers = [c for c in shown.columns if c not in ("Why", "MSG average", "Likelihood", "Impact")]
    section = Section("Priority risk", tables=[
        ("Priorities: volume, change, position and risk", shown[numbers]),
        ("Why: the reasons for each score", shown[["Priority", "Risk", "Why"]]),
    ])
    if indicators is not None:
        rows = display_table(indicators)
        section.tables += [
            (risk_indicators.TITLE, rows[[c for c in numbers if c in rows.columns]]),
            (f"Why: {risk_indicators.TITLE.lower()}", rows[["Priority", "Risk", "Why"]]),
        ]
        section.notes.append(risk_indicators.CAPTION)
    return section


def priority_sections(dataset: Dataset, risk: pd.DataFrame, config: RiskConfig, period: Period, *,
                      threshold: int | None = None) -> list[Section]:
    """For each priority: the trend chart against the MSG and county, the position and its text (in
    partner-safe mode the chart's suppressed points are gaps, as on the Trends page)."""
    partnership = dataset.partnership or dataset.name
    comp, _ = tr.comparators_with_partnership(
        dataset.comparators, dataset.incidents, dataset.groups, partnership,
        population=trends_view.whole_area_total(dataset, "population"),
        households=trends_view.whole_area_total(dataset, "households"),
    )
    options = trends_view.peer_options(comp, dataset.peer_groups, partnership)
    msg = [n for n in dataset.peer_groups.get("msg", []) if n in options]
    county = [n for n in dataset.peer_groups.get("county", []) if n in options]
    primary, primary_label, second = trends_view.peer_roles(msg, county)
    k = float(config.k)
    out = []
    priority_groups = _priority_groups(config, risk)
    measured = list(dict.fromkeys(
        a.measured for g in priority_groups if (a := dataset.groups.availability(g)).measured is not None
    ))
    positions = tr.position_table(comp, partnership, msg=primary, county=second, period=period,
                                  groups=dataset.groups, group_names=measured, k=k)
    for name, priority_group in zip(risk["priority"], priority_groups, strict=True):
        section = Section(f"Priority: {name}")
        availability = dataset.groups.availability(priority_group)
        if availability.status == "n/a":
            section.paragraphs.append(trends_text.unavailable_note(priority_group, availability.na))
            out.append(section)
            continue
        group = availability.measured or priority_group
        label = availability.label
        denominator, _ = tr.choose_denominator(comp, [*primary, partnership], group, dataset.groups,
                                               area_households=trends_view.whole_area_total(dataset, "households"))
        measure = tr.measure_label(denominator)
        pos = period_position(comp, partnership, primary, group, period, denominator=denominator,
                              groups=dataset.groups, k=k)
        section.paragraphs.append(trends_text.answer(label, pos, period=period, primary_label=primary_label,
                                                     denominator=denominator, latest=None, has_peers=bool(primary)))
        try:
            frame = tr.trend_frame(comp, partnership, group, msg=primary, county=second, denominator=denominator,
                                   groups=dataset.groups, k=k)
        except ValueError as exc:
            section.paragraphs.append(trends_text.no_trend_sentence(label, exc))
            out.append(section)
            continue
        last = trends_view.last_shown(frame)
        words = {"partnership": partnership, "primary_label": primary_label, "group_label": label}
        title = trends_text.chart_title(last, measure=measure, **words)
        subtitle = trends_text.chart_subtitle(frame, group_label=label, view="rate", rolling=None, measure=measure,
                                              source=trends_view.short_source(dataset))
        drawn = frame
        if threshold is not None:
            title, subtitle = suppress_text(title, threshold), suppress_text(subtitle, threshold)
            drawn = suppress_chart_data(frame, threshold, ["count"]).assign(county_average=frame["county_average"])
        chart = trend_chart(
            drawn, partnership=partnership, title=title, subtitle=subtitle,
            measure=measure, show_county=bool(second), k=k,
            group_label="MSG" if primary_label == "MSG" else "County", height=300,
        )
        section.images.append(Image(I.chart_svg(chart), title))
        section.paragraphs.append(trends_text.chart_summary(last, trends_view.gap_months(frame), measure=measure, k=k,
                                                            view="rate", rolling=None, annual_only=False, **words))
        shown = trends_view.position_display(positions, primary_label=primary_label, with_county=bool(second))
        first = shown.columns[0]
        row = shown.loc[shown[first].astype(str).isin([group, label])]
        if len(row):
            section.tables.append((f"Position, {period.label}", row))
        out.append(section)
    return out


def _priority_groups(config: RiskConfig, risk: pd.DataFrame) -> list[str]:
    # the table has one row per priority of the config, in its order (its labels may add a proxy note)
    if len(risk) != len(config.priorities):
        raise ValueError(f"risk: expected one row per priority ({len(config.priorities)}), got {len(risk)}")
    return [p.group for p in config.priorities]


#: Why the outcome mix is n/a when the caller gave the pack no outcomes.
NO_OUTCOMES: Final = "the outcomes were not loaded for this pack"


def outcomes_section(dataset: Dataset, period: Period, outcomes: OutcomeData | None, *,
                     incident_format: str = "") -> Section:
    """The outcome mix per crime group against the county, with the lag warning, and the ASB class split
    (Nuisance / Personal / Environmental); each n/a with its reason when the data cannot give it. The
    same functions as the Trends and Priorities pages (ui/outcomes.py)."""
    section = Section(f"Outcomes and ASB classes, {period.label}")
    if outcomes is None or outcomes.crimes is None:
        reason = NO_OUTCOMES if outcomes is None else outcomes.missing
        section.paragraphs.append(f"Outcome mix: {na(reason)}.")
    else:
        classes = load_outcome_classes()
        table, lag = outcome_view(outcomes, dataset.partnership, dataset.peer_groups, period, classes)
        section.paragraphs.append(lag)
        section.tables.append((f"Outcomes of the crimes recorded in {period.label}, per crime group", table))
        other = unmapped(outcomes.crimes, classes)
        section.notes.append(
            "Each crime's latest outcome in the police.uk outcomes files (joined by Crime ID), else its street "
            "file's last outcome category. Classes: csp_data/config/outcome_classes.toml."
            + (f" Not in a class (counted as other): {', '.join(other)}." if other else "")
        )
    reason = no_class_reason(incident_format, has_column="asb_class" in dataset.incidents.columns)
    if reason:
        section.paragraphs.append(f"ASB by class: {na(reason)}.")
    else:
        split = asb_split(dataset.incidents, period)
        section.paragraphs.append(split_sentence(split, period, dataset.partnership or dataset.name))
        section.tables.append((f"ASB by class, {period.label}", split_display(split)))
    return section


def hotspot_section(dataset: Dataset, query: Query, period: Period, comparison: Period, *,
                    threshold: int | None = None) -> Section:
    """The area map of counts and the Gi* map, each with its top areas or cells (no street-level
    points, no repeat locations; in partner-safe mode the legends' counts go through ``suppress_text``,
    as on the Hotspots page)."""
    section = Section(f"Where: hot spots, {period.label}")
    boundary = outline_of(dataset, query.areas)
    if boundary is None or dataset.areas is None:
        section.paragraphs.append("No area boundaries are loaded, so there is nothing to map.")
        return section
    rows = query.rows
    current = rows.apply(dataset.incidents, dataset.groups)
    previous = rows.but(period=comparison).apply(dataset.incidents, dataset.groups)
    areas = dataset.areas
    if query.areas:
        areas = areas.loc[areas["area_code"].isin(list(query.areas))]
    denominator, _ = tr.choose_denominator(None, [], rows.group or ALL_INCIDENTS, dataset.groups,
                                           area_households=area_total(dataset.areas, "households")[0])
    rate_label = V.rate_label(denominator)
    measures = hotspots.area_measures(current, previous, areas, denominator=denominator)
    ordered = V.ordered_measures(measures, areas)
    colours, legend = K.colour_scale(ordered["count"], fmt=V.measure_format("count"))
    if threshold is not None:
        colours, legend = safe_legend(colours, legend, threshold)
    title = f"Incidents per {dataset.area_label}, {period.label}"
    chart = I.map_chart(I.area_shapes(areas), colours, legend, title=title, legend_title="Incidents",
                        outlines=[boundary])
    section.images.append(Image(I.chart_svg(chart, footer=data_text.LICENCE), title))
    comparable = True
    section.tables.append((f"Top {dataset.area_label}s",
                           V.area_table(measures, rate=rate_label, comparable=comparable).head(TOP_ROWS)))
    grid = hotspots.make_grid(boundary, shape="square")
    result = hotspots.gistar(hotspots.count_grid(current, grid), grid, fdr=True)
    names = hotspots.assign_cells_to_areas(grid.cells, dataset.areas)
    g_colours, g_legend = K.class_colours(result["class"], K.GISTAR_COLOURS)
    if threshold is not None:
        g_colours, g_legend = safe_legend(g_colours, g_legend, threshold)
    g_title = f"Getis-Ord Gi* hot and cold spots ({grid.cell_size:,.0f} m cells, FDR), {period.label}"
    try:
        g_chart = I.map_chart(I.cell_shapes(grid, result), g_colours, g_legend, title=g_title,
                              legend_title="Gi* class", outlines=[boundary])
        section.images.append(Image(I.chart_svg(g_chart, footer=data_text.LICENCE), g_title))
    except ValueError as exc:
        section.paragraphs.append(f"The Gi* map cannot be drawn: {exc}")
    section.tables.append(("Strongest Gi* hot-spot cells", V.gistar_hot_table(result, names)))
    return section


def safe_legend(colours: Sequence[K.Rgba], legend: pd.DataFrame, threshold: int) -> tuple[list[K.Rgba], pd.DataFrame]:
    """A static map's colours and legend in partner-safe mode: the legend's labels through ``suppress_text``
    (as the Hotspots page's legend); classes whose labels become the same ('<5 to <5') are merged into
    the first one's colour (alpha kept), so the image shows one class and one legend entry for them."""
    labels = [suppress_text(str(v), threshold) for v in legend["label"]]
    first: dict[str, str] = {}
    remap: dict[str, str] = {}
    for colour, label in zip(legend["colour"], labels, strict=True):
        if colour:
            remap[str(colour).lower()] = first.setdefault(label, str(colour).lower())
    out = []
    for rgba in colours:
        to = remap.get(K.rgba_to_hex(rgba).lower())
        out.append([*K.hex_to_rgba(to)[:3], *rgba[3:]] if to else list(rgba))
    shown = legend.assign(label=labels)
    keep = ~shown.duplicated("label") | (shown["colour"].astype(str) == "")
    return out, shown.loc[keep]


def fund_section(ledger: pd.DataFrame, budget: int | None) -> Section:
    """The partnership fund: budget, spend and balance left, the ledger with its running balance and
    the spend per priority (csp_data.fund); bid names are data, escaped by the HTML layout."""
    summary = fund_summary(ledger, budget)
    approved = int((ledger["status"] == "approved").sum())
    money = {k: v if v.startswith("n/a") else f"£{float(v):,.2f}" for k, v in summary.items()}
    return Section("Partnership fund", paragraphs=[
        f"Budget {money['budget']}; {approved:,} approved bid(s) spend {money['spent']}, leaving "
        f"**{money['balance_left']}**; pending bids total {money['pending']}."
    ], tables=[
        ("Bids and running balance (the budget minus every approved bid so far, in ledger order)",
         ledger_table(ledger, budget)),
        ("Spend per priority", spend_by_priority(ledger)),
    ])


def notes_section(dataset: Dataset) -> Section:
    """Source, latest month, rejected rows and the caveats, in the Data and Methods pages' words."""
    files = [f for f in dataset.report.files if f.kind in ("police.uk street", "force extract")]
    accepted, rejected = sum(f.accepted for f in files), sum(f.rejected for f in files)
    paragraphs = [
        f"Source: {dataset.source}",
        f"Latest month: {fmt_month(dataset.latest_month)}. Data: "
        f"{data_text.span(dataset.first_month, dataset.latest_month)} ({len(dataset.months)} months).",
        f"{accepted:,} incident rows accepted and {rejected:,} rejected across {len(files)} incident file(s).",
        data_text.POLICEUK_LOCATIONS,
        POLICEUK_CAVEAT,
    ]
    if dataset.is_demo:
        paragraphs.insert(0, DEMO_CAVEAT)
    proxies = [f"{name}: counted as {a.label} ({a.reason})" for name in dataset.groups.names()
               if (a := dataset.groups.availability(name)).status == "proxy"]
    if proxies:
        paragraphs.append("Proxies (a group measured by another): " + "; ".join(proxies) + ".")
    paragraphs.append(data_text.LICENCE)
    return Section("Data notes", paragraphs=paragraphs)
