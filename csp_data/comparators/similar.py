"""A suggested Most Similar Group (MSG): the partnerships nearest on public area variables.

The Home Office publishes each Community Safety Partnership's MSG inside iQuanta, which most partners
cannot open. This module suggests a group of its own from public tables (csp_data.io.peer_variables),
in the way the Home Office describes its method: variables known to go with crime, standardised across
every unit, and the nearest units by distance.

Method (docs/peers.md):

* each variable is standardised across all units that have it: z = (x − mean) / SD, with the population
  SD (``ddof=0``); variables marked ``log`` (population, density) are taken as log10 first, so that
  1,000,000 against 500,000 counts as far as 200,000 against 100,000;
* the distance from the partnership p to unit j is the weighted Euclidean distance
  d(p, j) = sqrt(Σᵢ wᵢ (zᵢⱼ − zᵢₚ)²) over the variables with a weight above 0;
* the suggestion is the partnership itself (distance 0) and the ``n`` nearest others (14 by default, as
  the Home Office MSGs have 15 members); ties are broken by name;
* a unit without a value for a weighted variable is left out, with the reason; it is never read as 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from csp_data.comparators.tables import name_key, name_keys


@dataclass(frozen=True)
class PeerVariable:
    """One area variable the suggestion may use: its column, label, why it is used and its scale."""

    key: str
    label: str
    why: str
    log: bool = False


#: The variables, in the order they are shown. The first five come from the public tables of every CSP
#: (ONS population and households, Census 2011 tenure); the others when a variables table gives them.
VARIABLES: Final[tuple[PeerVariable, ...]] = (
    PeerVariable("population", "Population (log scale)",
                 "Size: larger places have bigger town centres, night-time economies and more visitors. "
                 "Log scale, so that doubling counts the same at any size.", log=True),
    PeerVariable("persons_per_household", "Persons per household",
                 "Household make-up: fewer people per household means more single adults, students and "
                 "flats; more means families."),
    PeerVariable("pct_social_rented", "% of households socially rented",
                 "Deprivation: social renting follows low income, one of the strongest area correlates of "
                 "victimisation."),
    PeerVariable("pct_private_rented", "% of households privately rented",
                 "Churn: private renting follows transient populations, students and shared houses "
                 "(burglary, ASB)."),
    PeerVariable("pct_owned_outright", "% of households owned outright",
                 "Settled, older households: the age structure as far as the tenure table shows it."),
    PeerVariable("imd_score", "IMD average score",
                 "Deprivation measured directly (Index of Multiple Deprivation)."),
    PeerVariable("density", "People per km² (log scale)",
                 "Urban form: dense places have more targets and more footfall. Log scale.", log=True),
    PeerVariable("pct_aged_16_24", "% aged 16-24",
                 "Age: the ages at which offending and victimisation peak."),
    PeerVariable("pct_aged_65_plus", "% aged 65 and over", "Age: an older population."),
)
VARIABLE_KEYS: Final = tuple(v.key for v in VARIABLES)
#: The weight of every variable unless the config (``[peers] weights``) or ``--weights`` says otherwise.
DEFAULT_WEIGHT: Final = 1.0
#: Members besides the partnership itself (the Home Office MSGs have 15 members in all).
DEFAULT_N: Final = 14
#: Columns of :attr:`Suggestion.table` before the variable values.
SUGGESTION_COLUMNS: Final = ["rank", "partnership", "code", "distance"]


def variable(key: str) -> PeerVariable:
    """The variable called ``key``; a ValueError naming the valid keys otherwise."""
    for v in VARIABLES:
        if v.key == key:
            return v
    raise ValueError(f"unknown peer variable {key!r}; valid: {', '.join(VARIABLE_KEYS)}")


def parse_weights(text: str | Mapping[str, object] | None, *, base: Mapping[str, float] | None = None) -> dict[str, float]:
    """Weights by variable from ``"key=w,key=w"`` (the CLI's ``--weights``) or a table (``[peers] weights``).

    Variables not named keep their weight in ``base`` (e.g. the config's), else :data:`DEFAULT_WEIGHT`;
    a weight of 0 leaves a variable out.

    Raises
    ------
    ValueError
        Naming the entry: an unknown variable, a value that is not a number, or a negative weight.

    Examples
    --------
    >>> parse_weights("pct_social_rented=2, population=0")["pct_social_rented"]
    2.0
    >>> parse_weights(None)["population"]
    1.0
    >>> parse_weights("population=3", base={"imd_score": 0.0})["imd_score"]
    0.0
    """
    weights = {key: float((base or {}).get(key, DEFAULT_WEIGHT)) for key in VARIABLE_KEYS}
    if text is None:
        return weights
    if isinstance(text, str):
        pairs: list[tuple[str, object]] = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, sep, given = part.partition("=")
            if not sep:
                raise ValueError(f"weights: expected key=number, found {part!r} (e.g. pct_social_rented=2)")
            pairs.append((name.strip(), given.strip()))
    else:
        pairs = list(text.items())
    for key, value in pairs:
        variable(key)
        try:
            w = float(str(value))
        except ValueError:
            raise ValueError(f"weights: {key} must be a number, found {value!r}") from None
        if not math.isfinite(w) or w < 0:
            raise ValueError(f"weights: {key} must be 0 or more, found {value!r}")
        weights[key] = w
    return weights


def standardise(table: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """z-scores of the ``keys`` columns across the rows that have them (log10 first where the variable
    says so; population SD, ddof=0). A missing value stays NaN; a column with no spread gives 0.

    Examples
    --------
    >>> standardise(pd.DataFrame({"pct_social_rented": [10.0, 20.0, 30.0]}), ["pct_social_rented"])[
    ...     "pct_social_rented"].round(4).tolist()
    [-1.2247, 0.0, 1.2247]
    """
    out = pd.DataFrame(index=table.index)
    for key in keys:
        values = pd.to_numeric(table[key], errors="coerce").astype("float64")
        if variable(key).log:
            values = np.log10(values.where(values > 0))
        sd = values.std(ddof=0)
        out[key] = (values - values.mean()) / sd if sd > 0 else values * 0.0
    return out


@dataclass
class Suggestion:
    """The suggested group and how it was found.

    ``table``: rank (0 = the partnership itself), partnership, code, distance and the variable values,
    nearest first. ``used``: the variables with their weights. ``unavailable``: variables the tables do
    not give (key -> reason). ``left_out``: units that could not be compared (partnership, reason).
    ``units``: how many units were compared.
    """

    partnership: str
    table: pd.DataFrame
    used: dict[str, float]
    unavailable: dict[str, str] = field(default_factory=dict)
    left_out: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["partnership", "reason"]))
    units: int = 0

    @property
    def members(self) -> list[str]:
        """The partnership and its suggested peers, nearest first."""
        return [str(n) for n in self.table["partnership"]]


def suggest_peers(
    table: pd.DataFrame, partnership: str, *, weights: Mapping[str, float] | None = None, n: int = DEFAULT_N,
) -> Suggestion:
    """The ``n`` units nearest to ``partnership`` by weighted Euclidean distance on standardised variables.

    Parameters
    ----------
    table
        One row per unit: ``partnership`` (name), optionally ``code``, and any of :data:`VARIABLE_KEYS`.
    partnership
        The unit to find peers for, matched by name (case- and spacing-insensitive) or by code.
    weights
        Weight per variable (:func:`parse_weights`); a variable missing from every row is unavailable.
    n
        How many peers besides the partnership (14 by default).

    Raises
    ------
    ValueError
        When ``n`` is below 1, no weighted variable is available, or the partnership is not in the table
        or lacks a weighted variable (naming it).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    weights = dict(parse_weights(None) if weights is None else weights)
    present = {k for k in VARIABLE_KEYS if k in table.columns and pd.to_numeric(table[k], errors="coerce").notna().any()}
    unavailable = {k: f"no `{k}` column in the tables given"
                   for k in VARIABLE_KEYS if k not in present}
    used = {k: float(w) for k, w in weights.items() if w > 0 and k in present}
    if not used:
        raise ValueError("no variable to compare on: every weighted variable is missing from the tables "
                         f"({', '.join(k for k, w in weights.items() if w > 0) or 'all weights are 0'})")
    frame = table.reset_index(drop=True)
    codes = frame["code"].astype("string") if "code" in frame.columns else pd.Series(pd.NA, index=frame.index, dtype="string")
    keys = name_keys(frame["partnership"].astype("string"))
    target = keys.eq(name_key(partnership)) | codes.str.upper().eq(str(partnership).strip().upper()).fillna(False)
    if not target.any():
        raise ValueError(f"{partnership!r} is not in the peer-variables table ({len(frame)} units); "
                         "check the name against the ONS 'Community Safety Partnership name'")
    values = frame[list(used)].apply(pd.to_numeric, errors="coerce")
    missing = values.isna()
    if "population" in used or "density" in used:
        for key in ("population", "density"):
            if key in used:
                missing[key] |= values[key] <= 0
    incomplete = missing.any(axis=1)
    me = int(np.flatnonzero(target.to_numpy())[0])
    if incomplete.iloc[me]:
        gaps = [variable(k).label for k in used if missing.at[me, k]]
        raise ValueError(f"{frame.at[me, 'partnership']} has no value for {', '.join(gaps)}; give it in a "
                         "variables table or set its weight to 0")
    left_out = pd.DataFrame({
        "partnership": frame.loc[incomplete, "partnership"].astype("string"),
        "reason": [("no " + ", no ".join(variable(k).label for k in used if missing.at[i, k]))
                   for i in frame.index[incomplete]],
    })
    kept = frame.loc[~incomplete]
    z = standardise(kept, list(used))
    w = np.array([used[k] for k in used])
    diff = z.to_numpy() - z.loc[me].to_numpy()
    distance = pd.Series(np.sqrt((w * diff**2).sum(axis=1)), index=kept.index)
    order = (pd.DataFrame({"d": distance, "self": kept.index != me, "name": keys[kept.index]})
             .sort_values(["self", "d", "name"]).index[: n + 1])
    out = kept.loc[order]
    result = pd.DataFrame({
        "rank": range(len(out)),
        "partnership": out["partnership"].astype("string").to_numpy(),
        "code": codes[order].to_numpy(),
        "distance": distance[order].round(3).to_numpy(),
    })
    for key in VARIABLE_KEYS:
        if key in present:
            result[key] = pd.to_numeric(out[key], errors="coerce").to_numpy()
    return Suggestion(str(frame.at[me, "partnership"]), result, used, unavailable,
                      left_out.reset_index(drop=True), units=len(kept))


def shared_members(suggested: Sequence[str], msg: Sequence[str], partnership: str) -> list[str]:
    """The members of ``suggested`` that are also in ``msg``, the partnership itself left out.

    >>> shared_members(["Here", "A", "B", "C"], ["here", "b", "d"], "Here")
    ['B']
    """
    theirs = {name_key(m) for m in msg} - {name_key(partnership)}
    return [m for m in suggested if name_key(m) in theirs]


def not_in(members: Sequence[str], names: Sequence[str]) -> list[str]:
    """The ``members`` not among ``names`` (e.g. the comparator table's partnerships), by name key.

    >>> not_in(["A", "b", "C"], ["a", "B"])
    ['C']
    """
    have = {name_key(n) for n in names}
    return [m for m in members if name_key(m) not in have]
