"""Where crime concentrates: grids, kernel density, Getis-Ord Gi*, emerging hot spots, concentration.

Every method follows ../shared/DOMAIN.md and is described for users in docs/hotspots.md.

All geometry is in EPSG:27700 (metres). Functions take canonical incidents (``x``, ``y``; NaN = no
location) and return new frames with pinned columns; zero-count cells and areas are kept.

Modules: :mod:`~csp_data.hotspots.grid` (grids and cell counts; the grid clipping rule),
:mod:`~csp_data.hotspots.kde`, :mod:`~csp_data.hotspots.gistar`, :mod:`~csp_data.hotspots.emerging`,
:mod:`~csp_data.hotspots.areas` (per-area measures and the drill-down) and
:mod:`~csp_data.hotspots.concentration` (concentration and PAI). The page's sentences are in
:mod:`csp_data.text.hotspots`.
"""

from __future__ import annotations

from csp_data.hotspots.areas import (
    MEASURE_COLUMNS,
    MEASURES,
    TOP_AREA_COLUMNS,
    area_crime_mix,
    area_measures,
    area_monthly,
    assign_cells_to_areas,
    greatest_changes,
    top_areas,
    top_locations,
    unassigned_count,
)
from csp_data.hotspots.concentration import (
    CONCENTRATION_COLUMNS,
    PAI_COLUMNS,
    concentration,
    prediction_accuracy,
)
from csp_data.hotspots.emerging import (
    EMERGING_CLASSES,
    EMERGING_COLUMNS,
    classify_emerging,
    emerging_hotspots,
    emerging_window,
    n_recent,
    slice_labels,
    time_slices,
)
from csp_data.hotspots.gistar import (
    GISTAR_CLASSES,
    GISTAR_COLUMNS,
    LEVELS,
    NOT_SIGNIFICANT,
    bh_cutoff,
    classify_gistar,
    gistar,
    gistar_summary,
    grid_weights,
    two_sided_p,
)
from csp_data.hotspots.grid import (
    CELL_COLUMNS,
    CELL_LIMIT,
    CELL_WARNING,
    COUNT_COLUMNS,
    Grid,
    GridShape,
    cells_from_raster,
    count_grid,
    count_outside_grid,
    default_cell_size,
    make_grid,
)
from csp_data.hotspots.kde import (
    KDE_COLUMNS,
    KdeParameters,
    default_bandwidth,
    kde_parameters,
    kde_surface,
    quartic_weight,
)

__all__ = [
    "CELL_COLUMNS",
    "CELL_LIMIT",
    "CELL_WARNING",
    "CONCENTRATION_COLUMNS",
    "COUNT_COLUMNS",
    "EMERGING_CLASSES",
    "EMERGING_COLUMNS",
    "GISTAR_CLASSES",
    "GISTAR_COLUMNS",
    "KDE_COLUMNS",
    "LEVELS",
    "MEASURES",
    "MEASURE_COLUMNS",
    "NOT_SIGNIFICANT",
    "PAI_COLUMNS",
    "TOP_AREA_COLUMNS",
    "Grid",
    "GridShape",
    "KdeParameters",
    "area_crime_mix",
    "area_measures",
    "area_monthly",
    "assign_cells_to_areas",
    "bh_cutoff",
    "cells_from_raster",
    "classify_emerging",
    "classify_gistar",
    "concentration",
    "count_grid",
    "count_outside_grid",
    "default_bandwidth",
    "default_cell_size",
    "emerging_hotspots",
    "emerging_window",
    "gistar",
    "gistar_summary",
    "greatest_changes",
    "grid_weights",
    "kde_parameters",
    "kde_surface",
    "make_grid",
    "n_recent",
    "prediction_accuracy",
    "quartic_weight",
    "slice_labels",
    "time_slices",
    "top_areas",
    "top_locations",
    "two_sided_p",
    "unassigned_count",
]
