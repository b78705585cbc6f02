"""The demo comparators (monthly counts of synthetic peers and neighbours) and the peer groups."""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import pandas as pd

from csp_data.groups import load_crime_groups
from csp_data.tools.demo.incidents import ASB_TYPE, FLAT_SHAPE, MONTH_SHAPE
from csp_data.tools.demo.spec import DEMO_PARTNERSHIP

MSG_PEERS: Final[tuple[str, ...]] = tuple(f"Peer {c}" for c in "ABCDEFGHIJKLMN")
COUNTY_NEIGHBOURS: Final[tuple[str, ...]] = tuple(f"Neighbour {c}" for c in "ABCDEFGHI")
#: Planted gaps, to exercise gap handling: a partnership with no rows at all for one month ...
GAP_MISSING_MONTH: Final = ("Peer F", "2024-03")
#: ... and one with a blank population (and households) in one month.
GAP_MISSING_POPULATION: Final = ("Neighbour D", "2023-07")
_TYPE_OF_GROUP: Final[dict[str, str]] = {"ASB": ASB_TYPE}


def make_comparators(
    rng: np.random.Generator, incidents: pd.DataFrame, population: pd.DataFrame, months: pd.DatetimeIndex
) -> pd.DataFrame:
    """Monthly counts per crime group for the borough, its MSG peers and its county neighbours.

    The borough's counts are its incidents counted by month and base group (zero months kept).
    Each synthetic peer has its own population (100k-300k), a rate multiplier per group around the
    borough's rate, its own seasonal amplitude and phase, a trend and over-dispersed noise.
    Gaps: GAP_MISSING_MONTH has no rows for one month; GAP_MISSING_POPULATION has a blank
    population and households in one month.

    Returns
    -------
    pandas.DataFrame
        ``partnership``, ``month`` ('YYYY-MM'), ``crime_group``, ``count``, ``population``,
        ``households`` (nullable integers).
    """
    groups = load_crime_groups()
    base = list(groups.base_groups)
    inc_group = groups.assign(incidents["crime_type"].astype("string"))
    if inc_group.isna().any():
        bad = incidents.loc[inc_group.isna(), "crime_type"].iloc[0]
        raise ValueError(f"demo incidents: crime_type {bad!r} has no group in the crime-groups config")
    inc_month = pd.to_datetime(incidents["date"]).dt.to_period("M").dt.to_timestamp()
    own = (
        pd.crosstab(inc_month, inc_group)
        .reindex(index=months, columns=base, fill_value=0)
        .fillna(0)
        .astype(int)
    )
    own_pop = int(population["population"].sum())
    own_hh = int(population["households"].sum())
    rows = [
        pd.DataFrame(
            {
                "partnership": DEMO_PARTNERSHIP,
                "month": np.repeat(months, len(base)),
                "crime_group": np.tile(base, len(months)),
                "count": own.to_numpy().reshape(-1),
                "population": own_pop,
                "households": own_hh,
            }
        )
    ]
    rate = own.mean(axis=0).to_numpy() / own_pop  # per resident per month
    month_idx = months.month.to_numpy() - 1
    years = np.asarray((months - months[len(months) // 2]).days, dtype=float) / 365.25
    for peers, spread in ((MSG_PEERS, 0.18), (COUNTY_NEIGHBOURS, 0.25)):
        for name in peers:
            pop = int(round(rng.uniform(100_000, 300_000), -2))
            hh = round(pop / rng.uniform(2.3, 2.55))
            overall = rng.lognormal(0.0, spread)
            counts = np.empty((len(months), len(base)), dtype=int)
            for j, g in enumerate(base):
                shape = np.asarray(MONTH_SHAPE.get(_TYPE_OF_GROUP.get(g, g), FLAT_SHAPE))[month_idx]
                season = 1.0 + rng.uniform(0.6, 1.4) * (shape - 1.0)
                season *= 1.0 + 0.04 * np.sin(2 * math.pi * month_idx / 12 + rng.uniform(0, 2 * math.pi))
                trend = (1.0 + rng.normal(0.0, 0.03)) ** years
                mean = rate[j] * pop * overall * rng.lognormal(0.0, 0.15) * season * trend
                counts[:, j] = rng.poisson(rng.gamma(40.0, mean / 40.0))
            frame = pd.DataFrame(
                {
                    "partnership": name,
                    "month": np.repeat(months, len(base)),
                    "crime_group": np.tile(base, len(months)),
                    "count": counts.reshape(-1),
                    "population": pop,
                    "households": hh,
                }
            )
            rows.append(frame)
    out = pd.concat(rows, ignore_index=True)
    out["month"] = out["month"].dt.strftime("%Y-%m")
    gap_name, gap_month = GAP_MISSING_MONTH
    out = out.loc[~((out["partnership"] == gap_name) & (out["month"] == gap_month))].reset_index(drop=True)
    for col in ("count", "population", "households"):
        out[col] = out[col].astype("Int64")
    pop_name, pop_month = GAP_MISSING_POPULATION
    blank = (out["partnership"] == pop_name) & (out["month"] == pop_month)
    out.loc[blank, ["population", "households"]] = pd.NA
    return out


def peers_toml() -> str:
    """The peer-group file: the borough, its MSG of 15 and its county of 10."""
    msg = [DEMO_PARTNERSHIP, *MSG_PEERS]
    county = [DEMO_PARTNERSHIP, *COUNTY_NEIGHBOURS]

    def arr(names: list[str]) -> str:
        return "[\n" + "".join(f'  "{n}",\n' for n in names) + "]"

    return (
        "# Peer groups of the demo borough (synthetic partnerships; see data/README.md).\n"
        f'partnership = "{DEMO_PARTNERSHIP}"\n\n'
        "[peer_groups]\n"
        f"msg = {arr(msg)}\n"
        f"county = {arr(county)}\n"
        "\n"
        "# Area variables of the synthetic partnerships, for the suggested MSG (docs/peers.md).\n"
        "[peers]\n"
        'variables = "demo_peer_variables.csv"\n'
        "\n"
        "# Invented district outlines of the county (the County page's map).\n"
        "[county]\n"
        'boundaries = "demo_county.geojson"\n'
        'name_field = "name"\n'
    )


#: Synthetic partnerships that have area variables but no comparator rows (a suggestion may pick them:
#: their rates are then n/a, as for a real partnership outside the comparator table).
OTHER_TOWNS: Final[tuple[str, ...]] = tuple(f"Other Town {c}" for c in "ABCDEFGHIJKL")
PEER_VARIABLE_FIELDS: Final = (
    "code", "partnership", "population", "persons_per_household", "pct_social_rented", "pct_private_rented",
    "pct_owned_outright", "imd_score", "density",
)


def make_peer_variables(rng: np.random.Generator, comparators: pd.DataFrame) -> pd.DataFrame:
    """Area variables of every synthetic partnership (data/demo_peer_variables.csv).

    Population and persons per household are those of the comparator table; the rest are drawn around
    the borough's own values: close for the MSG peers (they were chosen as similar), wider for the
    county neighbours, wider still for the other towns. So the suggestion overlaps the MSG without
    copying it.
    """
    first = comparators.dropna(subset=["population", "households"]).drop_duplicates("partnership")
    size = {str(r.partnership): (float(r.population), float(r.population) / float(r.households))
            for r in first.itertuples(index=False)}
    own = {"pct_social_rented": 17.0, "pct_private_rented": 13.0, "pct_owned_outright": 31.0,
           "imd_score": 13.5, "density": 720.0}
    spread = {"pct_social_rented": 4.0, "pct_private_rented": 3.0, "pct_owned_outright": 4.0,
              "imd_score": 5.0, "density": 0.5}  # density: on the log scale
    rows = []
    names = [DEMO_PARTNERSHIP, *MSG_PEERS, *COUNTY_NEIGHBOURS, *OTHER_TOWNS]
    for i, name in enumerate(names):
        scale = 0.0 if name == DEMO_PARTNERSHIP else 0.6 if name in MSG_PEERS else 1.2 if name in COUNTY_NEIGHBOURS else 1.6
        pop, pph = size.get(name, (round(rng.uniform(90_000, 320_000), -2), rng.uniform(2.25, 2.6)))
        row = {"code": f"X{i:08d}", "partnership": name, "population": int(pop), "persons_per_household": round(pph, 3)}
        for key, centre in own.items():
            if key == "density":
                row[key] = round(centre * math.exp(scale * spread[key] * rng.normal()), 1)
            else:
                row[key] = round(max(1.0, centre + scale * spread[key] * rng.normal()), 2)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(PEER_VARIABLE_FIELDS))
