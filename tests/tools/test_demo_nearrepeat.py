"""The planted near-repeat example: deterministic, the sizes asked for, inside its square and year."""

from __future__ import annotations

import pandas as pd

from csp_data.tools.demo.nearrepeat import ORIGIN, START, near_repeat_burglaries


def test_same_seed_same_frame() -> None:
    pd.testing.assert_frame_equal(near_repeat_burglaries(), near_repeat_burglaries())


def test_random_case_has_only_the_seed_burglaries() -> None:
    f = near_repeat_burglaries(n_seed=50, repeat_share=0.0)
    assert len(f) == 50
    assert f["crime_id"].is_unique and (f["crime_type"] == "Burglary").all()


def test_every_repeat_adds_one_to_three() -> None:
    f = near_repeat_burglaries(n_seed=200, repeat_share=1.0, side=1000.0, radius=50.0, days=30, max_lag=3)
    assert 200 + 200 <= len(f) <= 200 + 3 * 200
    # seeds inside the square, repeats at most 50 m (rounded to the metre) outside it
    assert f["x"].between(ORIGIN[0] - 51, ORIGIN[0] + 1051).all()
    assert f["date"].between(START, START + pd.Timedelta(days=29 + 3)).all()
    assert f["date"].is_monotonic_increasing
