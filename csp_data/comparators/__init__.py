"""Comparators: member rates, the Most Similar Group (MSG) average and band, ranks, comparator tables.

Definitions (../shared/DOMAIN.md "MSG average and band"):

* rate_j(t) = count_j(t) / denominator_j × 1000 (residents, or households for burglary-type groups);
* MSG average = the plain mean of the member rates, the partnership itself included (not total crimes
  over total population);
* band = average ± k × the sample standard deviation (n − 1) of the same member rates, k = 1 by default;
* rank = position of the partnership's rate within the group, 1 = lowest rate; tied rates share the
  lowest rank of the tie (pandas ``method="min"``: rates 5, 7, 7, 9 rank 1, 2, 2, 4).

A missing count or denominator stays NaN: it is never read as zero, and a member without a rate is left
out of the average, the SD, the rank and ``group_size`` for that month.

How annual and quarterly tables enter the monthly model
-------------------------------------------------------
Every comparator row has ``month`` = the *last* month its count covers and ``period_months`` = how many
months it covers (1 or <NA> monthly, 3 a quarter, 12 a year). The ONS "year ending December 2024" table
becomes one row per partnership and group with ``month = 2024-12`` and ``period_months = 12``. A window
of W months (W = 1 for monthly rates, 12 for rolling-12 rates) is built from rows whose ``period_months``
divides W, summing W / p consecutive periods; the finest granularity available wins. So annual figures
appear in the rolling-12 view (at their year-end month) and never in the monthly view.
"""

from __future__ import annotations

from csp_data.comparators.msg import (
    DENOMINATORS,
    RATE_COLUMNS,
    STATS_COLUMNS,
    band_status,
    check_comparators,
    group_counts,
    group_stats,
    member_rates,
    rolling_rates,
    select,
)
from csp_data.comparators.ranks import (
    TIE_RULE,
    period_counts,
    period_position,
    period_rates,
    period_rates_from_counts,
    position_from_rates,
)
from csp_data.comparators.tables import (
    area_total,
    comparators_from_counts,
    comparators_from_incidents,
    name_key,
    name_keys,
    parse_names,
    with_partnership,
)

__all__ = [
    "DENOMINATORS",
    "RATE_COLUMNS",
    "STATS_COLUMNS",
    "TIE_RULE",
    "area_total",
    "band_status",
    "check_comparators",
    "comparators_from_counts",
    "comparators_from_incidents",
    "group_counts",
    "group_stats",
    "member_rates",
    "name_key",
    "name_keys",
    "parse_names",
    "period_counts",
    "period_position",
    "period_rates",
    "period_rates_from_counts",
    "position_from_rates",
    "rolling_rates",
    "select",
    "with_partnership",
]
