"""Change between two periods and whether it is more than noise (DOMAIN.md "Change").

Two tests for two Poisson counts with equal exposure are offered:

* ``"poisson_z"`` (default): z = 2 * (sqrt(current) - sqrt(previous)); |z| > z_crit is significant.
* ``"binomial"``: exact conditional test, current | current + previous ~ Binomial(n, 0.5), two-sided.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from scipy import stats

TestName = Literal["poisson_z", "binomial"]
TEST_LABELS: dict[str, str] = {
    "poisson_z": "Poisson square-root z test, z = 2(√current − √previous)",
    "binomial": "exact conditional binomial test (p = 0.5)",
}
#: Counts below this in both periods get a small-numbers warning.
SMALL_NUMBER = 20


def volume_change(current: float, previous: float) -> float:
    return current - previous


def pct_change(current: float, previous: float) -> float | None:
    """(current - previous) / previous * 100; None when previous is 0 (shown as "new")."""
    if previous == 0 or previous is None or math.isnan(previous):
        return None
    return (current - previous) / previous * 100.0


@dataclass(frozen=True)
class ChangeTest:
    """The result of a significance test on a change between two counts."""

    current: float
    previous: float
    statistic: float  # z for poisson_z; the two-sided p for binomial
    p_value: float
    significant: bool
    confidence: float
    test: str

    @property
    def direction(self) -> str:
        """'up', 'down' or 'no change'."""
        if self.current > self.previous:
            return "up"
        if self.current < self.previous:
            return "down"
        return "no change"

    @property
    def small_numbers(self) -> bool:
        return max(self.current, self.previous) < SMALL_NUMBER

    def describe(self) -> str:
        """'significant at 95%' or 'not significant at 95%'."""
        level = f"{self.confidence * 100:g}%"
        return f"significant at {level}" if self.significant else f"not significant at {level}"


def significance_test(
    current: float, previous: float, *, test: TestName = "poisson_z", confidence: float = 0.95
) -> ChangeTest:
    """Test whether the change from ``previous`` to ``current`` is more than Poisson noise.

    Examples
    --------
    >>> significance_test(121, 100).significant  # z = 2 * (11 - 10) = 2.0 > 1.96
    True
    >>> round(significance_test(121, 100).statistic, 3)
    2.0
    """
    if current < 0 or previous < 0:
        raise ValueError(f"counts must be non-negative, got current={current}, previous={previous}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    alpha = 1 - confidence
    if test == "poisson_z":
        z = 2.0 * (math.sqrt(current) - math.sqrt(previous))
        p = 2.0 * float(stats.norm.sf(abs(z)))
        return ChangeTest(current, previous, z, p, p < alpha, confidence, test)
    if test == "binomial":
        n = round(current + previous)
        p = 1.0 if n == 0 else float(stats.binomtest(round(current), n, 0.5).pvalue)
        return ChangeTest(current, previous, p, p, p < alpha, confidence, test)
    raise ValueError(f"unknown test {test!r}; expected one of {list(TEST_LABELS)}")
