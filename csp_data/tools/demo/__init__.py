"""The demo borough: a deterministic generator of synthetic, illustrative data shaped like Dacorum.

``python -m csp_data demo`` writes, under an output folder:

- ``shapefiles/demo_beats.shp`` (+ .shx .dbf .prj .cpg): about 25 beats coded and named as in the
  Dacorum reports, with synthetic boundaries (a Voronoi tessellation clipped to an invented outline)
  in EPSG:27700 where Dacorum is. Not real beats.
- ``data/demo_population.csv``: population and households per beat.
- ``data/demo_incidents.csv.gz``: 2021-01 to 2026-10 (five full calendar years and more) of incident-level records in a force-extract flavour,
  snapped to a fixed set of map points, with seasonality and planted hot spots.
- ``data/demo_comparators.csv``: monthly counts per crime group for the borough, 14 synthetic
  most-similar-group peers and 9 synthetic county neighbours.
- ``data/demo_peers.toml``: the two peer groups.

Everything is drawn from one ``numpy`` Generator seeded by ``seed``: the same seed gives
byte-identical files (the shapefile's DBF header date is fixed, not today's date).
Every number here is invented; only the beat codes and names come from the public reports.

Modules: :mod:`.spec` (names, output files, beats, hot spots), :mod:`.geography` (outline, beats,
population, map points), :mod:`.incidents`, :mod:`.peers` (comparators and peer groups) and
:mod:`.writer` (:func:`build_demo`, :func:`generate_demo`).
"""

from csp_data.tools.demo.geography import (
    make_beats,
    make_map_points,
    make_outline,
    make_population,
    points_near,
)
from csp_data.tools.demo.incidents import (
    ASB_TYPE,
    CRIMES_PER_YEAR,
    DACORUM_2021_MIX,
    daily_rates,
    demo_months,
    hour_weights,
    make_incidents,
)
from csp_data.tools.demo.peers import GAP_MISSING_MONTH, GAP_MISSING_POPULATION, make_comparators, peers_toml
from csp_data.tools.demo.spec import (
    BEATS,
    BOUNDARY_NOTE,
    COMPARATOR_FIELDS,
    DEFAULT_MONTHS,
    DEFAULT_SEED,
    DEMO_PARTNERSHIP,
    HOTSPOTS,
    INCIDENT_FIELDS,
    LAST_MONTH,
    OUTPUTS,
    BeatSpec,
    HotSpot,
)
from csp_data.tools.demo.writer import DBF_DATE, DemoData, build_demo, generate_demo

__all__ = [
    "ASB_TYPE",
    "BEATS",
    "BOUNDARY_NOTE",
    "COMPARATOR_FIELDS",
    "CRIMES_PER_YEAR",
    "DACORUM_2021_MIX",
    "DBF_DATE",
    "DEFAULT_MONTHS",
    "DEFAULT_SEED",
    "DEMO_PARTNERSHIP",
    "GAP_MISSING_MONTH",
    "GAP_MISSING_POPULATION",
    "HOTSPOTS",
    "INCIDENT_FIELDS",
    "LAST_MONTH",
    "OUTPUTS",
    "BeatSpec",
    "DemoData",
    "HotSpot",
    "build_demo",
    "daily_rates",
    "demo_months",
    "generate_demo",
    "hour_weights",
    "make_beats",
    "make_comparators",
    "make_incidents",
    "make_map_points",
    "make_outline",
    "make_population",
    "peers_toml",
    "points_near",
]
