"""The one selection type: which incidents a page, a CLI command, an engine query or a cache key means.

A :class:`Query` names the crime group, the crime types, the period (and the period it is compared
with), the areas and the partnerships. The sidebar builds one (app.py), the CLI builds one
(``cli.common.query_from_args``), the engine turns one into SQL (``Engine.where_sql``) and pandas code
that needs the rows themselves filters with :meth:`Query.mask`. It is frozen and hashable, so it is
also the cache key of every per-filter result (ui/cache.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from csp_data.groups import ALL_CRIME, CrimeGroups
from csp_data.periods import Period


@dataclass(frozen=True)
class Query:
    """The incidents to look at.

    ``group`` is a crime group of the crime-groups config (``None`` = no group filter, ASB included);
    ``crime_types`` narrows it to exact crime-type names when not empty; ``period`` is the inclusive
    months (``None`` = every month); ``areas`` are area codes and ``partnerships`` partnership names
    (empty = no filter). ``comparison`` is the period ``period`` is compared with and ``preset`` the
    sidebar's period preset ("rolling12", "fy", "quarter", "custom", ...); neither filters rows.
    """

    group: str | None = None
    crime_types: tuple[str, ...] = ()
    period: Period | None = None
    areas: tuple[str, ...] = ()
    partnerships: tuple[str, ...] = ()
    comparison: Period | None = None
    preset: str = ""

    def __post_init__(self) -> None:
        for name in ("crime_types", "areas", "partnerships"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise ValueError(f"{name}: expected a sequence of strings, got the string {value!r}")
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    @classmethod
    def of(
        cls,
        group: str | None = None,
        crime_types: Sequence[str] = (),
        period: Period | None = None,
        areas: Sequence[str] = (),
        partnerships: Sequence[str] = (),
    ) -> Query:
        """A query from positional parts (sequences become tuples; a bare string is refused).

        >>> Query.of("Burglary", ["Burglary"], None, ["A1"]).areas
        ('A1',)
        """
        return cls(group, crime_types, period, areas, partnerships)  # type: ignore[arg-type]

    def but(self, **changes: Any) -> Query:
        """A copy with some fields changed, e.g. ``query.but(period=query.comparison)``.

        >>> Query(group="Burglary").but(areas=("A1",)).areas
        ('A1',)
        """
        return replace(self, **changes)

    @property
    def window(self) -> tuple[Period, Period]:
        """``(period, comparison)`` for code that compares the two; a ValueError when either is unset.

        >>> from csp_data.periods import calendar_year
        >>> Query(period=calendar_year(2021), comparison=calendar_year(2020)).window[1].label
        'Jan 2020 to Dec 2020'
        """
        if self.period is None or self.comparison is None:
            raise ValueError("this query has no period and comparison period; give --from/--to or a preset")
        return self.period, self.comparison

    @property
    def rows(self) -> Query:
        """The row filter alone (no comparison or preset): the key of a result that only counts rows."""
        return Query(self.group, self.crime_types, self.period, self.areas, self.partnerships)

    def mask(self, incidents: pd.DataFrame, groups: CrimeGroups) -> pd.Series:
        """Boolean mask of the canonical ``incidents`` rows this query selects (the one pandas filter)."""
        mask = pd.Series(True, index=incidents.index)
        if self.group is not None:
            mask &= groups.mask(incidents, self.group)
        if self.crime_types:
            mask &= _isin(incidents["crime_type"], self.crime_types)
        if self.period is not None:
            mask &= self.period.contains(incidents["month"]).fillna(False).astype(bool)
        if self.areas:
            mask &= _isin(incidents["area_code"], self.areas)
        if self.partnerships:
            mask &= _isin(incidents["partnership"], self.partnerships)
        return mask

    def apply(self, incidents: pd.DataFrame, groups: CrimeGroups) -> pd.DataFrame:
        """The rows of ``incidents`` this query selects."""
        return incidents.loc[self.mask(incidents, groups)]


def _isin(values: pd.Series, wanted: tuple[str, ...]) -> pd.Series:
    return values.isin(list(wanted)).fillna(False).astype(bool)


def filter_incidents(
    incidents: pd.DataFrame,
    groups: CrimeGroups,
    *,
    group: str | None = ALL_CRIME,
    crime_types: Sequence[str] = (),
    period: Period | None = None,
    areas: Sequence[str] = (),
) -> pd.DataFrame:
    """The incidents in ``group`` (optionally only ``crime_types``), ``period`` and ``areas``:
    ``Query.of(...).apply`` with the group defaulting to all crime."""
    return Query.of(group, crime_types, period, areas).apply(incidents, groups)
