"""Scoring on hand-built inputs: the likelihood components, their weighted mean, the score and its why."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csp_data.change import significance_test as change_test
from csp_data.risk.config import COMPONENTS, RiskConfig
from csp_data.risk.measures import Position, PriorityMeasures, measure_priorities
from csp_data.risk.scoring import (
    NOT_SCORED,
    combine_likelihood,
    msg_score,
    rank_score,
    round_half_up,
    score_measures,
    trend_score,
)
from tests import risk_fixtures as rf
from tests.risk_fixtures import P2020, P2021


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (121, 100, 4),  # z = 2.0: significant rise
        (110, 100, 3),  # rise, not significant
        (100, 100, 2),  # no change
        (95, 100, 2),  # fall, not significant
        (81, 100, 1),  # z = -2.0: significant fall
        (5, 0, 4),  # new, z = 4.47
    ],
)
def test_trend_score(current: int, previous: int, expected: int) -> None:
    assert trend_score(change_test(current, previous)) == expected


@pytest.mark.parametrize(
    ("z", "expected"), [(1.01, 4), (1.0, 3), (0.2, 3), (0.0, 2), (-1.0, 2), (-1.01, 1), (-3.0, 1)]
)
def test_msg_score_band_edges_belong_to_the_band(z: float, expected: int) -> None:
    assert msg_score(z, 1.0) == expected


def test_msg_score_follows_k() -> None:
    assert msg_score(1.5, 2.0) == 3
    assert msg_score(2.5, 2.0) == 4


@pytest.mark.parametrize(
    ("rank", "size", "expected"),
    [(1, 15, 1), (3, 15, 1), (4, 15, 2), (7, 15, 2), (8, 15, 3), (11, 15, 3), (12, 15, 4), (15, 15, 4), (5, 10, 2),
     (7, 10, 3), (1, 1, 4)],
)
def test_rank_score_is_the_quartile(rank: int, size: int, expected: int) -> None:
    assert rank_score(rank, size) == expected


def test_rank_score_rejects_a_rank_outside_the_group() -> None:
    with pytest.raises(ValueError, match="rank must be between 1 and size"):
        rank_score(16, 15)


def test_combine_likelihood_uses_known_components_and_weights() -> None:
    w = {"trend": 1.0, "msg": 1.0, "rank": 1.0}
    assert combine_likelihood({"trend": 4, "msg": 3, "rank": 3}, w) == pytest.approx(10 / 3)
    assert combine_likelihood({"trend": 4, "msg": None, "rank": 2}, w) == 3.0
    assert combine_likelihood({"trend": 4, "msg": 1, "rank": 1}, {"trend": 2.0, "msg": 1.0, "rank": 1.0}) == 2.5
    assert combine_likelihood({"trend": 4, "msg": 1, "rank": 1}, {"trend": 0.0, "msg": 1.0, "rank": 1.0}) == 1.0
    assert combine_likelihood({"trend": None, "msg": None, "rank": None}, w) is None


def test_round_half_up() -> None:
    assert [round_half_up(x) for x in (2.5, 2.49, 3.5, 10 / 3, 1.0)] == [3, 2, 4, 3, 1]


def _measures(**kw: object) -> PriorityMeasures:
    base: dict[str, object] = {
        "priority": "Burglary",
        "crime_group": "Burglary",
        "noun": "burglaries",
        "current": 121,
        "previous": 100,
        "change": change_test(121, 100),
        "rate": 11.2,
        "msg": Position(rate=11.2, average=10.0, sd=2.0, rank=12, size=15, band="within band"),
        "county": Position(rate=11.2, average=10.5, sd=1.0, rank=7, size=10, band="within band"),
    }
    base.update(kw)
    return PriorityMeasures(**base)  # type: ignore[arg-type]


def test_score_on_hand_built_measures(cfg: RiskConfig) -> None:
    # trend 4 (z = 2.0), msg z = 0.6 -> 3, MSG rank 12th/15 -> 4: mean 3.67 -> 4; harm 3 -> 12 High
    s = score_measures(_measures(), cfg)
    assert s.components == {"trend": 4, "msg": 3, "rank": 4}
    assert (s.likelihood, s.impact, s.score, s.risk) == (4, 3, 12, "High")
    assert s.why.startswith("High (4 × 3 = 12): up 21.0% (significant) → 4; rate 12.0% above MSG average")
    assert "12th/15 in MSG → 4" in s.why and s.why.endswith("harm weight 3")


def test_weights_change_the_score(cfg: RiskConfig) -> None:
    m = _measures(change=change_test(81, 100), current=81)  # significant fall -> trend 1
    # default: (1 + 3 + 4) / 3 = 2.67 -> 3; x3 = 9 Medium
    assert score_measures(m, cfg).risk == "Medium"
    # trend weighted 4: (4*1 + 3 + 4) / 6 = 1.83 -> 2; x3 = 6 Medium; with harm 2 -> 4 Low
    heavy = cfg.with_changes(weights={"trend": 4.0}, harm={"Burglary": 2})
    s = score_measures(m, heavy)
    assert (s.likelihood, s.impact, s.score, s.risk) == (2, 2, 4, "Low")


def test_weight_zero_is_said_in_why(cfg: RiskConfig) -> None:
    s = score_measures(_measures(), cfg.with_changes(weights={"msg": 0.0}))
    assert "(weight 0, not used)" in s.why
    assert s.likelihood == 4  # (4 + 4) / 2


def test_county_rank_is_used_when_there_is_no_msg(cfg: RiskConfig) -> None:
    m = _measures(msg=Position(note="no MSG peers"))
    s = score_measures(m, cfg)
    # trend 4, county 7th/10 -> 3: mean 3.5 -> 4
    assert s.components == {"trend": 4, "msg": None, "rank": 3}
    assert "7th/10 in county → 3" in s.why
    assert "MSG not scored (no MSG peers)" in s.why
    assert "likelihood from trend and rank only" in s.why


def test_score_uses_only_what_is_known(cfg: RiskConfig) -> None:
    m = _measures(
        previous=None,
        change=None,
        previous_note="only 1 of 12 months in the data",
        msg=Position(note="no MSG peers"),
        county=Position(note="no county peers"),
        rate=None,
        rate_note="no households loaded",
    )
    s = score_measures(m, cfg)
    assert s.likelihood is None and s.score is None and s.risk == NOT_SCORED
    assert "trend not scored (only 1 of 12 months in the data)" in s.why


def test_unlisted_group_gets_the_default_harm(cfg: RiskConfig) -> None:
    s = score_measures(_measures(crime_group="Something new"), cfg)
    assert s.impact == cfg.default_harm
    assert "default: Something new not listed" in s.why


def test_zero_sd_compares_rate_with_the_average(cfg: RiskConfig) -> None:
    m = _measures(rate=1.0, msg=Position(rate=1.0, average=1.0, sd=0.0, rank=1, size=3, band="within band"))
    assert score_measures(m, cfg).components["msg"] == 2


@pytest.mark.parametrize("off", COMPONENTS)
def test_a_component_with_weight_zero_is_named_and_left_out(table: pd.DataFrame, cfg: RiskConfig, off: str) -> None:
    """Burglary's components are trend 4, MSG 3 and rank 3 (3rd/4): switching one off changes the mean."""
    measures = measure_priorities(rf.dataset(), period=P2021, comparison=P2020, config=cfg)
    burglary = next(m for m in measures if m.priority.startswith("Dwelling burglary"))
    s = score_measures(burglary, cfg.with_changes(weights={off: 0.0}))
    parts = s.why.split(": ", 1)[1].split("; ")
    assert "(weight 0, not used)" in parts[COMPONENTS.index(off)]
    others = {"trend": 4, "msg": 3, "rank": 3}
    others.pop(off)
    expected = round_half_up(sum(others.values()) / 2)
    assert s.likelihood == expected and s.why.endswith(f"likelihood from {' and '.join(others)} only")


_component = st.one_of(st.none(), st.integers(1, 4))


_weight = st.sampled_from([0.0, 0.5, 1.0, 2.0, 5.0])


@given(
    st.integers(0, 400),
    st.integers(0, 400),
    st.one_of(st.none(), st.floats(-3, 3)),
    st.one_of(st.none(), st.integers(1, 15)),
    st.integers(1, 4),
    st.tuples(_weight, _weight, _weight),
    st.integers(1, 17),
    st.integers(0, 16),
)
def test_score_invariants(
    current: int, previous: int, z: float | None, rank: int | None, harm: int, w: tuple, medium: int, gap: int
) -> None:
    cfg = RiskConfig(
        weights=dict(zip(COMPONENTS, w, strict=True)), harm={"G": harm}, medium=medium, high=min(17, medium + gap)
    )
    msg = Position(rate=10 + (z or 0), average=10.0, sd=1.0, band="x") if z is not None else Position(note="none")
    county = Position(rank=rank, size=15, rate=1.0) if rank is not None else Position(note="none")
    m = PriorityMeasures(
        priority="P", crime_group="G", noun="offences", current=current, previous=previous,
        change=change_test(current, previous), rate=10 + (z or 0), msg=msg, county=county,
    )  # fmt: skip
    s = score_measures(m, cfg)
    assert s.impact == harm
    if s.likelihood is None:
        assert s.risk == NOT_SCORED and s.score is None
    else:
        assert 1 <= s.likelihood <= 4
        assert s.score == s.likelihood * harm
        assert s.risk == cfg.level(s.score)
        assert s.why.startswith(f"{s.risk} ({s.likelihood} × {harm} = {s.score})")
    assert s.components["trend"] is not None  # both periods are always known here
