"""Generated text: every number comes from the tables; changes are never called real when the test says not."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csp_data.change import pct_change
from csp_data.change import significance_test as change_test
from csp_data.periods import calendar_year
from csp_data.risk import (
    DEFAULT_RISK_FILE,
    LocalContext,
    RiskConfig,
    load_risk_config,
    priority_contexts,
    priority_table,
)
from csp_data.text.priorities import (
    POLICEUK_CAVEAT,
    build_report,
    change_clause,
    context_sentences,
    executive_summary,
    headline,
    is_policeuk,
    priority_section,
)
from tests import risk_fixtures as rf

P2021, P2020 = calendar_year(2021), calendar_year(2020)
MONTH = r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b"
RANK = r"\b\d+(?:st|nd|rd|th)/\d+\b"
NUMBER = r"(?<![\w.])\d[\d,]*(?:\.\d+)?"
CHANGE_WORDS = re.compile(r"\b(increase|decrease|rise|rose|fall|fell|reduction|higher|lower|up \d|down \d)", re.I)
QUALIFIED = re.compile(r"\b(not )?(statistically )?significant\b")

#: Dwelling burglary on police.uk data: a labelled proxy (crime_groups.toml), never a silent one.
DB = "Dwelling burglary — proxy: Burglary (all: police.uk has no dwelling split)"


@pytest.fixture(scope="module")
def cfg() -> RiskConfig:
    return load_risk_config()


@pytest.fixture(scope="module")
def built(cfg: RiskConfig) -> tuple[Any, pd.DataFrame, dict[str, LocalContext]]:
    ds = rf.dataset()
    table = priority_table(ds, period=P2021, comparison=P2020, config=cfg)
    ctxs = priority_contexts(ds, table, period=P2021, comparison=P2020, config=cfg)
    return build_report(ds, table, ctxs, period=P2021, comparison=P2020, config=cfg), table, ctxs


# --------------------------------------------------------------------------------------------------
# helpers: numbers in text, numbers in tables


def numbers_in(text: str, *, strip: list[str] = ()) -> tuple[list[float], list[str]]:
    """(numbers, ranks) in ``text`` after removing months, the given labels and 'per 1,000'."""
    for s in sorted(strip, key=len, reverse=True):
        text = text.replace(s, " ")
    text = re.sub(MONTH, " ", text)
    ranks = re.findall(RANK, text)
    text = re.sub(RANK, " ", text)
    text = re.sub(r"\b\d+(?:st|nd|rd|th)\b", " ", text)  # "1st = the lowest rate"
    text = text.replace("per 1,000", " ")
    return [float(n.replace(",", "")) for n in re.findall(NUMBER, text)], ranks


def table_numbers(row: pd.Series) -> set[float]:
    out: set[float] = set()
    for col in (
        "previous", "current", "change", "pct_change", "rate", "msg_average", "likelihood", "impact", "score",
        "likelihood_trend", "likelihood_msg", "likelihood_rank", "rate_vs_msg_pct",
    ):  # fmt: skip
        v = row[col]
        if pd.api.types.is_number(v) and not isinstance(v, bool) and not pd.isna(v):
            out.add(abs(float(v)))
    return out


def table_ranks(row: pd.Series) -> set[str]:
    return {str(row[c]) for c in ("msg_rank", "county_rank", "msg_rank_previous", "county_rank_previous")}


def context_numbers(ctx: LocalContext) -> set[float]:
    out = {float(ctx.total), float(ctx.unlocated), float(len(ctx.top)), float(len(ctx.peak)), float(len(ctx.trough))}
    if ctx.previous_total is not None:
        out.add(float(ctx.previous_total))
    for frame, cols in (
        (ctx.areas, ("current", "previous", "change", "share_pct")),
        (ctx.months, ("count",)),
        (ctx.locations, ("count", "share_pct")),
    ):
        for c in cols:
            out |= {abs(float(v)) for v in frame[c].dropna()}
    return out


def period_numbers() -> set[float]:
    return {float(P2021.n_months), 95.0}  # "the 12 months", "at 95%"


def labels(ctx: LocalContext) -> list[str]:
    return [*ctx.areas["label"].astype(str), *ctx.locations["location"].astype(str)]


def sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.])\s+(?=[A-Z'])", paragraph) if s]


# --------------------------------------------------------------------------------------------------
# every number matches the table it came from


def test_every_number_in_each_section_is_in_its_tables(built: Any) -> None:
    report, table, ctxs = built
    for section in report.sections:
        row = table.set_index("priority").loc[section.heading]
        ctx = ctxs[section.heading]
        allowed = table_numbers(row) | context_numbers(ctx) | period_numbers()
        for para in section.paragraphs:
            nums, ranks = numbers_in(para, strip=labels(ctx))
            unknown = [n for n in nums if n not in allowed]
            assert unknown == [], f"{section.heading}: {unknown} not in the tables: {para}"
            assert set(ranks) <= table_ranks(row), f"{section.heading}: ranks {ranks} not in the table"


def test_every_number_in_the_summary_is_in_the_table(built: Any) -> None:
    report, table, _ = built
    allowed = set().union(*(table_numbers(r) for _, r in table.iterrows())) | period_numbers()
    counts = table["risk"].value_counts()
    allowed |= {float(len(table)), *map(float, counts)}
    ranks_allowed = set().union(*(table_ranks(r) for _, r in table.iterrows()))
    for para in report.summary:
        nums, ranks = numbers_in(para)
        assert [n for n in nums if n not in allowed] == [], para
        assert set(ranks) <= ranks_allowed


def test_the_number_check_catches_a_wrong_number(built: Any) -> None:
    """The check above must be able to fail: a doctored figure is caught."""
    report, table, ctxs = built
    row = table.set_index("priority").loc[DB]
    ctx = ctxs[DB]
    allowed = table_numbers(row) | context_numbers(ctx) | period_numbers()
    doctored = report.sections[1].paragraphs[0].replace("49 burglaries", "47 burglaries")
    nums, _ = numbers_in(doctored, strip=labels(ctx))
    assert [n for n in nums if n not in allowed] == [47.0]


def test_section_states_the_seed_style_facts(built: Any) -> None:
    report, _, _ = built
    burglary = next(s for s in report.sections if s.heading == DB)
    text = " ".join(burglary.paragraphs)
    assert "Risk assessment shows a 'Medium Risk' (likelihood 3 × impact 3 = score 9)." in text
    assert "There were 49 burglaries (all: police.uk has no dwelling split) recorded in the 12 months Jan 2021 to Dec 2021" in text
    assert "North Ward (N) has reported the highest number of burglaries (all: police.uk has no dwelling split), accounting for 81.6% of the total (40 offences)." in text
    assert "This ward has also seen the greatest increase within the CSP, up 30 offences from 10 the previous year" in text
    assert "Testshire is 3rd/3 in county position" in text and "compared with 2nd/3 the previous year" in text
    assert "Testshire is 3rd/4 in its most similar group (MSG)" in text
    assert "The CSP has reported 30.62 burglaries (all: police.uk has no dwelling split) per 1,000 households and the average for the MSG is 25.00" in text
    assert "Mar 2021 (18)" in text and "Jun 2021 (0)" in text
    assert "'On or near Station Road' (20)" in text
    assert "Note: a proxy: Burglary (all: police.uk has no dwelling split) is counted, not Dwelling burglary." in text


# --------------------------------------------------------------------------------------------------
# changes are qualified by their test


def test_no_unqualified_change_in_any_sentence(built: Any) -> None:
    report, _, _ = built
    paragraphs = [*report.summary, *(p for s in report.sections for p in s.paragraphs if not p.startswith("Why"))]
    for para in paragraphs:
        for s in sentences(para):
            if CHANGE_WORDS.search(s):
                assert QUALIFIED.search(s), f"change without its significance: {s}"


def test_non_significant_changes_say_so(built: Any) -> None:
    report, table, ctxs = built
    for section in report.sections:
        row = table.set_index("priority").loc[section.heading]
        first = sentences(section.paragraphs[0])
        volume = next(s for s in first if s.startswith("There were"))
        if row["current"] != row["previous"]:
            if row["significant"] == "no":
                assert "not statistically significant" in volume, volume
            else:
                assert "statistically significant" in volume and "not statistically" not in volume, volume
        ctx = ctxs[section.heading]
        for area in (ctx.increase, ctx.decrease):
            if area is None:
                continue
            s = next(s for s in sentences(section.paragraphs[2]) if f"{area['change'] if area['change'] > 0 else -area['change']} " in s and ("greatest" in s))
            expected = "not statistically significant" if area["significant"] == "no" else "statistically significant"
            assert expected in s, s


def test_vehicle_crime_rise_is_not_called_real(built: Any) -> None:
    report, _, _ = built
    vehicle = next(s for s in report.sections if s.heading == "Vehicle crime")
    assert (
        "an increase of 10.0% compared with 20 in Jan 2020 to Dec 2020 (up 2; not statistically significant at 95%)"
        in vehicle.paragraphs[0]
    )


@given(st.integers(0, 500), st.integers(0, 500))
def test_change_clause_always_carries_the_test(current: int, previous: int) -> None:
    t = change_test(current, previous)
    p = pct_change(current, previous)
    text = change_clause(current, previous, "new" if p is None else round(p, 1), t.significant, against="2020")
    if current == previous:
        assert "no change" in text
    elif t.significant:
        assert "statistically significant at 95%" in text and "not statistically" not in text
    else:
        assert "not statistically significant at 95%" in text


def test_change_clause_wording() -> None:
    assert change_clause(372, 395, -5.8, False, against="2020") == (
        "a decrease of 5.8% compared with 395 in 2020 (down 23; not statistically significant at 95%)"
    )
    assert change_clause(1500, 1000, 50.0, True, against="2020") == (
        "an increase of 50.0% compared with 1,000 in 2020 (up 500; statistically significant at 95%)"
    )
    assert change_clause(5, 0, "new", True, against="2020") == "compared with none in 2020 (new; statistically significant at 95%)"


# --------------------------------------------------------------------------------------------------
# period, source, caveats, missing values


def test_summary_states_period_source_and_policeuk_caveat(built: Any) -> None:
    report, _, _ = built
    first = report.summary[0]
    assert "12 months Jan 2021 to Dec 2021, compared with Jan 2020 to Dec 2020" in first
    assert "Source: police.uk street-level crime and ASB (test extract)." in first
    assert POLICEUK_CAVEAT in report.summary[1]
    assert "not the same measure as police recorded crime" in report.summary[1]
    assert "Of the 6 priorities assessed, 4 are Medium risk" in report.summary[2]


def test_demo_data_is_said(cfg: RiskConfig) -> None:
    ds = rf.dataset(is_demo=True)
    table = priority_table(ds, period=P2021, comparison=P2020, config=cfg)
    summary = executive_summary(
        table, partnership="Testshire", period=P2021, comparison=P2020, source="demo", is_demo=True
    )
    assert any("Demo data" in p for p in summary)


def test_is_policeuk() -> None:
    ds = rf.dataset()
    assert is_policeuk(ds)
    ds.source = "Force extract"
    assert not is_policeuk(ds)


def test_headline() -> None:
    t = pd.DataFrame({"priority": ["A", "B", "C", "D"], "risk": ["High", "Medium", "High", "Low"]})
    assert headline(t) == "2 priorities are High risk: A and C. 1 is Medium risk: B."
    t2 = pd.DataFrame({"priority": ["A"], "risk": ["Low"]})
    assert headline(t2) == "No priority is High risk."
    t3 = pd.DataFrame({"priority": ["A", "B"], "risk": ["High", "Not scored"]})
    assert headline(t3) == "1 priority is High risk: A. 1 cannot be scored from the data loaded: B."


def test_missing_comparison_and_peers_are_explained(cfg: RiskConfig) -> None:
    ds = rf.dataset(with_peers=False)
    early = calendar_year(2020)
    table = priority_table(ds, period=early, comparison=early.previous(), config=cfg)
    ctxs = priority_contexts(ds, table, period=early, comparison=early.previous(), config=cfg)
    row = table.iloc[1]
    sec = priority_section(
        row.to_dict(), ctxs[row["priority"]], partnership="Testshire", noun="burglaries", period=early,
        comparison=early.previous(),
    )  # fmt: skip
    text = " ".join(sec.paragraphs)
    assert "No comparison with Jan 2019 to Dec 2019 can be made (only 0 of 12 months in the data)." in text
    assert "No county position can be given (no county peers)." in text
    assert "No risk score can be given" in text
    assert not CHANGE_WORDS.search(sec.paragraphs[0])


def test_context_sentences_with_no_incidents() -> None:
    from csp_data.risk import local_context

    ctx = local_context(rf.dataset(), group="Robbery", period=P2021, comparison=P2020, noun="robberies")
    assert context_sentences(ctx) == ["No robberies were recorded in the period, so there is no local breakdown."]


def test_report_tables_hold_the_priority_table_and_contexts(built: Any) -> None:
    report, table, _ = built
    assert report.tables["Priorities"].equals(table)
    assert f"{DB} areas" in report.tables and f"{DB} months" in report.tables
    assert "Scoring settings" in report.tables


@pytest.mark.real
@pytest.mark.slow
def test_real_dacorum_text_numbers_come_from_the_tables(real_data: Any, cfg: RiskConfig) -> None:
    from pathlib import Path

    from csp_data.io.dataset import build_dataset, load_config

    config_file = Path(__file__).resolve().parents[2] / "config" / "herts-real.toml"
    ds = build_dataset(load_config(config_file))
    period = calendar_year(2021)
    comparison = period.previous()
    table = priority_table(ds, period=period, comparison=comparison, config=cfg)
    ctxs = priority_contexts(ds, table, period=period, comparison=comparison, config=cfg)
    report = build_report(ds, table, ctxs, period=period, comparison=comparison, config=cfg)
    for section in report.sections:
        row = table.set_index("priority").loc[section.heading]
        ctx = ctxs[section.heading]
        allowed = table_numbers(row) | context_numbers(ctx) | period_numbers()
        for para in section.paragraphs:
            nums, ranks = numbers_in(para, strip=labels(ctx))
            assert [n for n in nums if n not in allowed] == [], para
            assert set(ranks) <= table_ranks(row)
    burglary = " ".join(next(s for s in report.sections if s.heading == DB).paragraphs)
    assert "There were 372 burglaries (all: police.uk has no dwelling split) recorded in the 12 months Jan 2021 to Dec 2021." in burglary
    assert "No comparison with Jan 2020 to Dec 2020 can be made (only 0 of 12 months in the data)." in burglary
    assert "a proxy: Burglary (all: police.uk has no dwelling split) is counted, not Dwelling burglary" in burglary
    all_crime = " ".join(next(s for s in report.sections if s.heading == "All crime").paragraphs)
    # README: Dacorum 55.87 crimes per 1,000 residents in 2021, 5th/10 in the county
    assert "Dacorum is 5th/10 in county position for the rate of crimes (excluding ASB) per 1,000 residents" in all_crime
    assert "The CSP has reported 55.87 crimes (excluding ASB) per 1,000 residents" in all_crime
    assert "Hemel Hempstead Town (E05004705) has reported the highest number of crimes (excluding ASB)" in all_crime
    assert "(1,499 offences)" in all_crime


def test_harm_source_is_said_in_the_report_and_a_changed_weight_in_its_settings(cfg: RiskConfig) -> None:
    from csp_data.text.priorities import build_report

    ds = rf.dataset()
    changed = cfg.with_changes(harm={"Robbery": 1})
    table = priority_table(ds, period=P2021, comparison=P2020, config=changed)
    report = build_report(ds, table, {}, period=P2021, comparison=P2020, config=changed)
    assert any("approximate bands derived from ONS Crime Severity Score weights" in c for c in report.caveats)
    settings = report.tables["Scoring settings"].set_index("setting")["value"]
    assert (settings["harm: Robbery"], settings["harm: Burglary"]) == ("1", "3")
    assert settings["settings from"] == str(DEFAULT_RISK_FILE)


def test_page_captions() -> None:
    from csp_data.periods import Period
    from csp_data.risk import RiskConfig
    from csp_data.text import priorities as text

    year = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))
    earlier = Period(pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-01"))
    assert text.headline_caption(year, earlier) == (
        "Jan 2021 to Dec 2021 compared with Jan 2020 to Dec 2020. Risk = likelihood (1–4) × impact "
        "(harm weight 1–4); the Why column gives the reason for every score."
    )
    caption = text.table_caption(earlier, RiskConfig(confidence=0.9))
    assert caption.startswith("Compared with Jan 2020 to Dec 2020. Change test: ")
    assert caption.endswith(", 90%. Ranks: 1st = lowest rate; ties share the lowest rank.")
    assert text.scoring_explanation("csp.toml [risk]").endswith("Settings from `csp.toml [risk]`.")
    assert text.no_context_caption("n/a: not in this source") == "No local context: n/a: not in this source."
    assert text.no_peak_caption("offences", True) == "No offences in any month of the period that has data."
    assert text.no_peak_caption("offences", False) == "No offences in any month of the period (no month of it has data)."
    assert text.peak_chart_title("Burglary", ["Mar 2021"]) == "Burglary: peak month Mar 2021 (orange)"
    assert text.peak_chart_title("Burglary", ["Jan", "Feb", "Mar", "Apr"]) == (
        "Burglary: peak months Jan, Feb, Mar … (orange)"
    )
