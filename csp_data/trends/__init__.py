"""Trends: the partnership's monthly series, its position against its groups, year-on-year change,
seasonality and what is missing.

A month absent from the data is *missing* (NaN), never zero: a month with data and no crime of a group
is zero. Short or gappy data is normal (13 months of police.uk files, a force missing a month, a peer
without a population): every function here says what it could not compute instead of guessing.
"""

from csp_data.trends.gaps import (
    default_groups,
    gap_report,
)
from csp_data.trends.seasonality import (
    day_of_week_profile,
    hour_profile,
    seasonality,
)
from csp_data.trends.series import (
    MONTH_NAMES,
    TREND_COLUMNS,
    WEEKDAYS,
    PositionInputs,
    choose_denominator,
    comparators_with_partnership,
    data_months,
    measure_label,
    monthly_counts,
    position_inputs,
    position_table,
    trend_frame,
)
from csp_data.trends.yoy import (
    month_pairs,
    yoy_display,
    yoy_table,
)

__all__ = [
    "MONTH_NAMES",
    "TREND_COLUMNS",
    "WEEKDAYS",
    "PositionInputs",
    "choose_denominator",
    "comparators_with_partnership",
    "data_months",
    "day_of_week_profile",
    "default_groups",
    "gap_report",
    "hour_profile",
    "measure_label",
    "month_pairs",
    "monthly_counts",
    "position_inputs",
    "position_table",
    "seasonality",
    "trend_frame",
    "yoy_display",
    "yoy_table",
]
