"""Local context: top areas, greatest increase and decrease, peak and trough months, locations."""

from __future__ import annotations

import pandas as pd
import pytest

from csp_data.periods import Period, calendar_year, to_month
from csp_data.risk.config import RiskConfig
from csp_data.risk.context import local_context, priority_contexts
from csp_data.risk.table import priority_table
from tests import risk_fixtures as rf
from tests.risk_fixtures import DB, P2020, P2021


def test_local_context_burglary() -> None:
    ctx = local_context(rf.dataset(), group="Burglary", period=P2021, comparison=P2020, noun="burglaries")
    assert ctx.total == 49 and ctx.previous_total == 25
    assert list(ctx.areas["area_code"]) == ["N", "S", "E"]  # zero-count East kept, last
    east = ctx.areas.set_index("area_code").loc["E"]
    assert (east["current"], east["previous"], east["change"]) == (0, 0, 0)
    assert list(ctx.top["label"]) == ["North Ward (N)", "South Ward (S)"]
    assert list(ctx.top["share_pct"]) == [81.6, 18.4]  # 40/49, 9/49
    assert ctx.increase is not None and ctx.increase["area_code"] == "N" and ctx.increase["change"] == 30
    assert ctx.increase["significant"] == "yes"
    assert ctx.decrease is not None and ctx.decrease["area_code"] == "S" and ctx.decrease["change"] == -6
    assert ctx.decrease["significant"] == "no"  # z = 2(3 - 3.87) = -1.75
    assert list(ctx.peak["label"]) == ["Mar 2021"] and int(ctx.peak["count"].iloc[0]) == 18
    assert list(ctx.trough["label"]) == ["Jun 2021"] and int(ctx.trough["count"].iloc[0]) == 0
    assert len(ctx.months) == 12 and int(ctx.months["count"].sum()) == 49
    assert list(ctx.locations["location"]) == [
        "On or near Station Road", "On or near High Street", "On or near Mill Lane", "On or near Park Road",
    ]  # fmt: skip
    assert list(ctx.locations["count"]) == [20, 15, 9, 5]


def test_local_context_counts_unlocated_incidents() -> None:
    ctx = local_context(rf.dataset(), group="ASB", period=P2021, comparison=P2020)
    assert ctx.total == 100 and ctx.unlocated == 4
    assert int(ctx.areas["current"].sum()) == 96
    assert any("4 of the 100" in n for n in ctx.notes)


def test_local_context_without_comparison_data() -> None:
    early = calendar_year(2020)
    ctx = local_context(rf.dataset(), group="Burglary", period=early, comparison=early.previous())
    assert ctx.increase is None and ctx.decrease is None and ctx.previous_total is None
    assert any("do not cover Jan 2019 to Dec 2019" in n for n in ctx.notes)


def test_local_context_part_period_is_not_compared_with_a_whole_one() -> None:
    """The data ends in Dec 2021: Oct 2021 to Mar 2022 holds 3 of its 6 months, so no area change is
    given, although the comparison (Oct 2020 to Mar 2021) is fully covered."""
    past_end = Period(to_month("2021-10"), to_month("2022-03"))
    ctx = local_context(rf.dataset(), group="Burglary", period=past_end, comparison=past_end.year_earlier())
    assert ctx.increase is None and ctx.decrease is None and ctx.previous_total is None
    assert any("do not cover Oct 2021 to Mar 2022" in n for n in ctx.notes)


def test_local_context_rejects_top_below_one() -> None:
    with pytest.raises(ValueError, match="top must be at least 1, got 0"):
        local_context(rf.dataset(), group="Burglary", period=P2021, comparison=P2020, top=0)


def test_priority_contexts_cover_every_priority(table: pd.DataFrame, cfg: RiskConfig) -> None:
    ctxs = priority_contexts(rf.dataset(), table, period=P2021, comparison=P2020, config=cfg)
    assert list(ctxs) == list(table["priority"])
    assert ctxs[DB].noun == "burglaries (all: police.uk has no dwelling split)"
    for name, ctx in ctxs.items():
        assert ctx.total == int(table.set_index("priority").loc[name, "current"])


def test_priority_contexts_engine_equals_pandas_on_demo(demo_and_engine, cfg: RiskConfig) -> None:
    d, engine = demo_and_engine
    period, comparison = rf.demo_periods(d)[0]
    table = priority_table(d, period=period, comparison=comparison, config=cfg, engine=engine)
    a = priority_contexts(d, table, period=period, comparison=comparison, config=cfg)
    b = priority_contexts(d, table, period=period, comparison=comparison, config=cfg, engine=engine)
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].noun == b[k].noun and a[k].total == b[k].total
        pd.testing.assert_frame_equal(a[k].areas, b[k].areas)


def test_local_context_months_outside_the_data_are_missing_not_zero() -> None:
    """Issue 10, point 14: the month table of a period running past the data showed 0 for those months."""
    from csp_data.text.priorities import context_sentences

    past_end = Period(to_month("2021-10"), to_month("2022-03"))  # the data ends in Dec 2021
    ctx = local_context(rf.dataset(), group="Burglary", period=past_end, comparison=None, noun="burglaries")
    assert ctx.months["label"].tolist() == ["Oct 2021", "Nov 2021", "Dec 2021", "Jan 2022", "Feb 2022", "Mar 2022"]
    assert ctx.months["count"].isna().tolist() == [False, False, False, True, True, True]
    assert ctx.months["note"].tolist()[3:] == ["n/a: no data after Dec 2021"] * 3
    assert set(ctx.peak["label"]) | set(ctx.trough["label"]) <= {"Oct 2021", "Nov 2021", "Dec 2021"}
    text = " ".join(context_sentences(ctx))
    assert "3 month(s) of the period have no data (n/a: no data after Dec 2021) and are left out." in text
    assert "Jan 2022" not in text.replace("no data after Dec 2021", "")


def test_mark_peak_marks_the_highest_months_and_never_a_gap() -> None:
    from csp_data.risk.context import mark_peak

    months = pd.DataFrame({"label": ["Jan", "Feb", "Mar", "Apr"], "count": [3.0, 5.0, float("nan"), 5.0]})
    marked, peak = mark_peak(months)
    assert peak == 5
    assert marked["which"].tolist() == ["Other", "Peak", "Other", "Peak"]
    none, peak0 = mark_peak(months.assign(count=[0.0, 0.0, float("nan"), 0.0]))
    assert peak0 == 0 and set(none["which"]) == {"Other"}
    gaps, peak_gap = mark_peak(months.assign(count=float("nan")))
    assert peak_gap == 0 and set(gaps["which"]) == {"Other"}
