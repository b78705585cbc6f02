"""Tests for csp_data.change: volume and % change, the significance tests on known values."""

from __future__ import annotations

import math

import pytest

from csp_data.change import SMALL_NUMBER, TEST_LABELS, pct_change, volume_change
from csp_data.change import significance_test as run_test
from csp_data.format import fmt_change, fmt_pct


def test_volume_and_pct_change() -> None:
    assert volume_change(15, 37) == -22
    assert pct_change(15, 37) == pytest.approx(-59.459, abs=1e-3)  # DOMAIN.md: arson 37 -> 15 is -59.5%
    assert pct_change(5, 0) is None  # "new", not infinity
    assert pct_change(5, math.nan) is None


def test_poisson_z_known_values() -> None:
    t = run_test(121, 100)  # z = 2 * (11 - 10) = 2.0
    assert t.statistic == pytest.approx(2.0)
    assert t.p_value == pytest.approx(0.0455, abs=1e-4)
    assert t.significant and t.direction == "up" and t.describe() == "significant at 95%"
    t = run_test(15, 37)  # z = 2 * (3.873 - 6.083) = -4.419
    assert t.statistic == pytest.approx(-4.4198, abs=1e-3) and t.significant and t.direction == "down"
    t = run_test(110.25, 100)  # z = 2 * (10.5 - 10) = 1.0
    assert t.statistic == pytest.approx(1.0) and not t.significant
    assert t.describe() == "not significant at 95%"


def test_poisson_z_threshold_depends_on_confidence() -> None:
    t = run_test(121, 100, confidence=0.99)  # |z| = 2.0 < 2.576
    assert not t.significant and t.describe() == "not significant at 99%"


def test_binomial_known_values() -> None:
    t = run_test(10, 0, test="binomial")  # P(X=10 or X=0 | n=10, p=.5) = 2 / 1024
    assert t.p_value == pytest.approx(2 / 1024)
    assert t.significant
    t = run_test(4, 10, test="binomial")
    assert t.p_value == pytest.approx(0.1796, abs=1e-4) and not t.significant
    assert run_test(0, 0, test="binomial").p_value == 1.0


def test_small_numbers_and_no_change() -> None:
    assert run_test(SMALL_NUMBER - 1, 3).small_numbers
    assert not run_test(SMALL_NUMBER, 3).small_numbers
    assert run_test(5, 5).direction == "no change"


def test_change_checks_inputs() -> None:
    with pytest.raises(ValueError, match="counts must be non-negative, got current=-1, previous=3"):
        run_test(-1, 3)
    with pytest.raises(ValueError, match=r"confidence must be between 0 and 1, got 1\.5"):
        run_test(1, 3, confidence=1.5)
    with pytest.raises(ValueError, match="unknown test 'chi2'"):
        run_test(1, 3, test="chi2")  # type: ignore[arg-type]
    assert set(TEST_LABELS) == {"poisson_z", "binomial"}


def test_formatting() -> None:
    assert fmt_change(26) == "+26" and fmt_change(-1234) == "−1,234" and fmt_change(0) == "0"
    assert fmt_pct(-59.459) == "−59.5%" and fmt_pct(12.34) == "+12.3%"
    assert fmt_pct(None) == "new" and fmt_pct(0.01) == "0.0%"


def test_pct_change_cell_zero_to_zero_is_no_change_not_new() -> None:
    """Issue 10, point 20: 0 -> 0 was labelled "new"; "new" means none before and some now."""
    from csp_data.format import fmt_pct_change

    assert fmt_pct(pct_change(0, 0)) == "new"  # the number alone cannot tell 0 -> 0 from 0 -> 4 ...
    assert fmt_pct_change(0, 0) == "no change"  # ... the cell rule, from both counts, can
    assert fmt_pct_change(4, 0) == "new"
    assert fmt_pct_change(0, 5) == "−100.0%"
    assert fmt_pct_change(15, 37) == "−59.5%" and fmt_pct_change(121, 100) == "+21.0%"
    assert fmt_pct_change(100, 100) == "0.0%"
    assert fmt_pct_change(float("nan"), 3) == "n/a" and fmt_pct_change(3, None) == "n/a"
    # a reason (e.g. a category the source lacks) overrides every count, 0 -> 0 included
    assert fmt_pct_change(0, 0, na_reason="police.uk has no dwelling split") == "n/a: police.uk has no dwelling split"
    assert fmt_pct_change(395, 380, na_reason="x") == "n/a: x"
