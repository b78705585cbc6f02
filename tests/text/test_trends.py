"""Tests for csp_data.text.trends: the Trends page's sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_data.periods import Period
from csp_data.text import trends as text
from csp_data.text.trends import latest_sentence
from csp_data.trends import trend_frame
from tests.trends_fixtures import comparators

P = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))


def _last(**changes: object) -> pd.Series:
    row = {"month": pd.Timestamp("2021-12-01"), "rate": 2.5, "count": 40.0, "band_low": 2.0, "band_high": 3.0,
           "msg_average": 2.4, "group_size": 5, "rank_label": "3rd/5"}
    row.update(changes)
    return pd.Series(row)


def test_chart_title_states_the_band_or_why_there_is_none() -> None:
    words = {"partnership": "Dacorum", "primary_label": "MSG", "group_label": "Burglary", "measure": "per 1,000"}
    assert text.chart_title(_last(), **words) == "Dacorum is within the MSG band in Dec 2021: 3rd/5 (1 = lowest rate)"
    assert text.chart_title(_last(band_low=np.nan), **words).endswith(
        "2.5 per 1,000 in Dec 2021, no MSG band (n/a: fewer than 2 members with a rate)")
    assert text.chart_title(None, **words) == "Dacorum: Burglary"


def test_chart_summary_gives_rates_with_two_decimals_and_names_gaps() -> None:
    gaps = pd.Series([pd.Timestamp("2021-03-01")])
    out = text.chart_summary(_last(), gaps, partnership="D", primary_label="MSG", group_label="Burglary",
                             measure="per 1,000", k=1.0, view="rate", rolling=None, annual_only=False)
    assert out.startswith("In Dec 2021 D's rate was 2.50 per 1,000 against a MSG average of 2.40 (band 2.00 to 3.00")
    assert out.endswith("No data for Mar 2021 (gaps, not zeros).")
    count = text.chart_summary(_last(), gaps.iloc[:0], partnership="D", primary_label="MSG", group_label="Burglary",
                               measure="", k=1.0, view="count", rolling=None, annual_only=True)
    assert count == ("In Dec 2021 D recorded 40 Burglary. The comparator table gives one figure per year or quarter, "
                     "so points are not joined.")


def test_band_and_significance_sentences() -> None:
    assert text.band_sentence("MSG", ["Burglary"], []) == "Above the MSG band: Burglary. Below it: none."
    sig = pd.DataFrame({"label": ["Burglary"], "pct_label": ["+12.3%"]})
    assert text.significant_sentence(sig) == "Changes significant at 95%: Burglary (+12.3%)."
    assert text.significant_sentence(sig.iloc[:0]) == "Changes significant at 95%: none."


def test_notes_and_missing_rates() -> None:
    notes = text.notes_with_population(["no population is known for X"], "D", "2 areas lack one")
    assert notes[-1] == "No rate for D from its areas: 2 areas lack one."
    assert text.notes_with_population(["other"], "D", "2 areas") == ["other"]
    assert text.missing_rates_note(P, {"A": "no count"}).endswith("A: no count.")


def test_seasonality_and_busiest_sentences() -> None:
    profile = pd.DataFrame({"average": [1.0, np.nan]})
    profile.attrs["peak_rule"] = "rule"
    assert text.seasonality_sentence(profile, ["Jan 2021"]) == (
        "Peaks (rule): Jan 2021. An earlier-years average exists for 1 of 12 months.")
    assert text.busiest_day_sentence(pd.Series({"day": "Friday", "share": 16.24}), "Burglary") == (
        "Busiest day: Friday (16.2% of Burglary).")
    assert text.busiest_hour_sentence(pd.Series({"hour": 7, "share": 7.1}), 3) == (
        "Busiest hour: 07:00–07:59 (7.1%). 3 incidents have no time.")
    assert text.no_gaps_sentence(None) == "Every month from the first to the latest has data."


def test_answer_adds_the_no_peer_hint() -> None:
    pos = {"rate": 2.5, "rank": np.nan, "group_size": 1, "missing": {}, "partnership": "D", "status": "n/a"}
    out = text.answer("Burglary", pos, period=P, primary_label="MSG", denominator="population", latest=None,
                      has_peers=False)
    assert out.endswith("(no peer group set: open 'Peer groups' above).")


def test_unavailable_and_no_trend_sentences() -> None:
    from csp_data.text.trends import no_trend_sentence, unavailable_note

    assert unavailable_note("Shoplifting", "not in this source") == (
        "Shoplifting: not in this source. Choose another crime group in the sidebar."
    )
    assert no_trend_sentence("Burglary", ValueError("no rows for X")) == "No trend can be drawn for Burglary: no rows for X."


def test_latest_sentence_uses_the_last_month_with_a_rate() -> None:
    comp = comparators({"A": [1.0] * 13, "B": [2.0] * 13, "C": [3.0] * 13})
    frame = trend_frame(comp, "A", "Robbery", msg=["B", "C"], rolling=12)
    text = latest_sentence(frame, "Robbery", group_label="in the MSG")
    assert text == ("Robbery: 12.0 per 1,000 residents in the 12 months to Jan 2022 (the latest comparator figures), "
                    "the lowest of 3 in the MSG, within the band (average 24.0).")  # 12 = band low
    assert latest_sentence(frame.assign(rate=np.nan), "Robbery") == "Robbery: no month has a rate for the partnership."
