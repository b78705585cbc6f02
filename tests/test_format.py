"""csp_data/format.py: the one formatting module (hand-written expectations)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from csp_data.format import (
    NA,
    fmt_change,
    fmt_count,
    fmt_number,
    fmt_pct,
    fmt_pct_change,
    fmt_rank,
    fmt_rate,
    is_number,
    na,
    ordinal,
    suppressed,
)


@pytest.mark.parametrize(
    ("rank", "size", "text"),
    [(1, 10, "1st/10"), (2, 15, "2nd/15"), (3, 15, "3rd/15"), (4, 15, "4th/15"), (11, 15, "11th/15"),
     (12, 15, "12th/15"), (13, 15, "13th/15"), (21, 30, "21st/30"), (112, 300, "112th/300"),
     (np.nan, 10, "n/a"), (None, 10, "n/a"), (3, None, "n/a"), (1, 0, "n/a")],
)
def test_fmt_rank(rank: float, size: int, text: str) -> None:
    assert fmt_rank(rank, size) == text


def test_unknown_rank_can_say_why() -> None:
    assert fmt_rank(None, 15, missing=na("no population given")) == "n/a: no population given"


def test_ordinals() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 23, 111, 123)] == [
        "1st", "2nd", "3rd", "4th", "10th", "11th", "12th", "13th", "14th", "20th", "21st", "23rd", "111th", "123rd"]


def test_counts_rates_and_numbers() -> None:
    assert fmt_count(8686) == "8,686" and fmt_count(0) == "0" and fmt_count(float("nan")) == NA
    # one rule for rates: two decimals everywhere
    assert fmt_rate(55.8712) == "55.87" and fmt_rate(0.349) == "0.35" and fmt_rate(None) == NA
    assert fmt_number(-1.234, 2) == "−1.23" and fmt_number(None) == NA


def test_changes_and_percentages() -> None:
    assert (fmt_change(26), fmt_change(-11), fmt_change(0), fmt_change(12345)) == ("+26", "−11", "0", "+12,345")
    assert fmt_pct(-59.459) == "−59.5%" and fmt_pct(0.04) == "0.0%" and fmt_pct(math.nan) == "new"
    # 15 from 37: (15 - 37) / 37 = -59.46 %
    assert fmt_pct_change(15, 37) == "−59.5%"
    assert fmt_pct_change(0, 0) == "no change" and fmt_pct_change(3, 0) == "new"
    assert fmt_pct_change(None, 4) == NA and fmt_pct_change(1, 2, na_reason="x") == "n/a: x"


def test_is_number_and_suppressed() -> None:
    assert [is_number(v) for v in (1, 1.5, math.inf, math.nan, None, False, "1")] == [
        True, True, False, False, False, False, False]
    assert suppressed(5) == "<5" and suppressed(10) == "<10"
