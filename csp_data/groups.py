"""Crime groups: the user-editable mapping from crime types to the groups the reports use."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Final

import pandas as pd

DEFAULT_GROUPS_FILE: Final = Path(__file__).parent / "config" / "crime_groups.toml"
ALL_CRIME: Final = "All crime (excluding ASB)"
#: Every incident: all crime plus ASB.
ALL_INCIDENTS: Final = "All crime and ASB"
ASB: Final = "ASB"
#: Base group given to a crime type the config does not know (the loader reports such rows).
FALLBACK_GROUP: Final = "Other crime"


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


@dataclass(frozen=True)
class Composite:
    groups: tuple[str, ...] = ()
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrimeGroups:
    """The crime-group configuration.

    Parameters
    ----------
    type_to_group
        Crime type or force category -> base group (keys compared case-insensitively).
    base_groups
        The base groups in display order.
    composites
        Named groups made of base groups and/or crime types.
    households_groups
        Groups whose rate is per 1,000 households rather than residents.
    """

    type_to_group: dict[str, str]
    base_groups: tuple[str, ...]
    composites: dict[str, Composite] = field(default_factory=dict)
    households_groups: frozenset[str] = frozenset()

    def group_of(self, crime_type: str) -> str | None:
        """The base group of a crime type, or None when the config does not know it."""
        return self._lookup.get(_key(crime_type))

    @cached_property
    def _lookup(self) -> dict[str, str]:
        return {_key(k): v for k, v in self.type_to_group.items()}

    def spelling(self, crime_type: str) -> str | None:
        """The config's own spelling of a crime type it knows (matched as :meth:`group_of` matches), else None."""
        return self._spellings.get(_key(crime_type))

    @cached_property
    def _spellings(self) -> dict[str, str]:
        return {_key(k): k for k in self.type_to_group}

    def assign(self, crime_types: pd.Series) -> pd.Series:
        """Base group for each crime type; unknown types get <NA> (callers decide and report)."""
        lookup = self._lookup
        uniques = pd.unique(crime_types.dropna())
        mapping = {t: lookup.get(_key(t)) for t in uniques}
        return crime_types.map(mapping).astype("string")

    def names(self) -> list[str]:
        """Every selectable group: All crime, All crime and ASB, the base groups, then the composites."""
        return [ALL_CRIME, ALL_INCIDENTS, *self.base_groups, *self.composites]

    def members(self, group: str) -> tuple[frozenset[str], frozenset[str]]:
        """(base groups, crime types) that make up ``group``."""
        if group == ALL_CRIME:
            return frozenset(g for g in self.base_groups if g != ASB), frozenset()
        if group == ALL_INCIDENTS:
            return frozenset(self.base_groups), frozenset()
        if group in self.base_groups:
            return frozenset({group}), frozenset()
        if group in self.composites:
            comp = self.composites[group]
            return frozenset(comp.groups), frozenset(comp.types)
        raise ValueError(f"unknown crime group {group!r}; expected one of {self.names()}")

    def mask(self, incidents: pd.DataFrame, group: str) -> pd.Series:
        """Boolean mask of the incidents that belong to ``group``."""
        groups, types = self.members(group)
        m = incidents["crime_group"].isin(list(groups))
        if types:
            keys = {_key(t) for t in types}
            # decide once per distinct crime type, then a vectorised isin (no Python call per incident)
            hits = [t for t in pd.unique(incidents["crime_type"].dropna()) if _key(t) in keys]
            m = m | incidents["crime_type"].isin(hits)
        return m.fillna(False).astype(bool)

    def denominator(self, group: str) -> str:
        """'households' for burglary-type groups, else 'population'."""
        return "households" if group in self.households_groups else "population"


def load_crime_groups(path: str | Path | None = None) -> CrimeGroups:
    """Read a crime-groups TOML file (the shipped default when ``path`` is None).

    Raises
    ------
    ValueError
        Naming the file and the entry when a type maps to a group not in ``base_groups`` or a
        composite names an unknown group.
    """
    file = Path(path) if path is not None else DEFAULT_GROUPS_FILE
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError(f"{file}: crime-groups file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{file}: not valid TOML ({exc})") from exc
    base = tuple(raw.get("base_groups", []))
    if not base:
        raise ValueError(f"{file}: `base_groups` is missing or empty")
    types = {str(k): str(v) for k, v in raw.get("types", {}).items()}
    for crime_type, group in types.items():
        if group not in base:
            raise ValueError(
                f"{file}: [types] {crime_type!r} maps to {group!r}, which is not in base_groups {list(base)}"
            )
    composites: dict[str, Composite] = {}
    for name, spec in raw.get("composites", {}).items():
        groups = tuple(spec.get("groups", []))
        unknown = [g for g in groups if g not in base]
        if unknown:
            raise ValueError(f"{file}: composite {name!r} names unknown base groups {unknown}")
        composites[name] = Composite(groups=groups, types=tuple(spec.get("types", [])))
    return CrimeGroups(
        type_to_group=types,
        base_groups=base,
        composites=composites,
        households_groups=frozenset(raw.get("households", [])),
    )
