"""Tests for csp_data.hotspots.kde: the quartic kernel, the default bandwidth and the density surface."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import box

from csp_data import hotspots as H
from tests.hotspots_fixtures import pts

# --------------------------------------------------------------------------------------------- KDE


def test_quartic_weight_values_and_zero_beyond_bandwidth() -> None:
    w = H.quartic_weight(np.array([0.0, 50.0, 99.999, 100.0, 150.0]), 100.0)
    assert w[0] == 1.0
    assert w[1] == pytest.approx(0.5625)  # (1 - 0.25)^2
    assert w[2] > 0
    assert w[3] == 0.0
    assert w[4] == 0.0
    with pytest.raises(ValueError, match="bandwidth: expected a positive"):
        H.quartic_weight(1.0, 0.0)


def test_kde_surface_is_zero_beyond_the_bandwidth_and_peaks_at_the_point() -> None:
    grid = H.make_grid(box(0, 0, 2_000, 2_000), cell_size=100)
    inc = pts((1_050, 1_050))  # a cell centre
    out = H.kde_surface(inc, grid, bandwidth=300)
    d = np.hypot(out["x"] - 1_050, out["y"] - 1_050)
    assert (out.loc[d >= 300, "density"] == 0).all()
    assert (out.loc[d < 300, "density"] > 0).all()
    peak = out.loc[d == 0, "density"].iloc[0]
    assert peak == pytest.approx(3 / (math.pi * 300**2) * 1e6)  # incidents per km²
    assert list(out.columns) == H.KDE_COLUMNS


def test_kde_surface_integrates_to_the_number_of_incidents() -> None:
    grid = H.make_grid(box(0, 0, 4_000, 4_000), cell_size=25)
    inc = pts((2_000, 2_000), (2_000, 2_000), (1_800, 2_300))  # duplicates count twice
    out = H.kde_surface(inc, grid, bandwidth=500)
    cell_km2 = 25 * 25 / 1e6
    assert (out["density"] * cell_km2).sum() == pytest.approx(3.0, rel=1e-3)


def test_kde_surface_rejects_bad_bandwidth() -> None:
    grid = H.make_grid(box(0, 0, 200, 200), cell_size=100)
    with pytest.raises(ValueError, match="bandwidth: expected a positive"):
        H.kde_surface(pts((1, 1)), grid, bandwidth=-5)


def test_default_bandwidth_hand_computed() -> None:
    v = [0.0, 10.0, 20.0, 30.0, 40.0]
    # SD = 15.811, IQR/1.34 = 20/1.34 = 14.925 (smaller); n^(-1/5) = 5^(-0.2) = 0.72478
    expected = 4 * 1.06 * (20 / 1.34) * 5 ** (-0.2)
    assert H.default_bandwidth(v, v) == pytest.approx(expected)
    assert expected == pytest.approx(45.87, abs=0.01)
    # different spreads in x and y are averaged
    assert H.default_bandwidth(v, [2 * a for a in v]) == pytest.approx(1.5 * expected)


def test_default_bandwidth_uses_sd_when_iqr_is_zero() -> None:
    x = [0.0, 0.0, 0.0, 0.0, 100.0]
    sd = float(np.std(x, ddof=1))
    assert H.default_bandwidth(x, x) == pytest.approx(4 * 1.06 * sd * 5 ** (-0.2))


def test_default_bandwidth_validation() -> None:
    with pytest.raises(ValueError, match="at least 2 located incidents"):
        H.default_bandwidth([1.0], [1.0])
    with pytest.raises(ValueError, match="share one point"):
        H.default_bandwidth([5.0, 5.0, 5.0], [1.0, 1.0, 1.0])


def test_kde_parameters_multiplier_and_small_bandwidth_warning() -> None:
    grid = H.make_grid(box(0, 0, 1_000, 1_000), cell_size=100)
    v = [0.0, 10.0, 20.0, 30.0, 40.0]
    inc = pts(*zip(v, v, strict=True))
    p = H.kde_parameters(inc, grid, multiplier=2)
    assert p.default_bandwidth == pytest.approx(45.87, abs=0.01)
    assert p.bandwidth == pytest.approx(2 * p.default_bandwidth)
    assert any("smaller than the cell size" in n for n in p.notes)
    assert "Quartic kernel, bandwidth 92 m" in p.describe()
    explicit = H.kde_parameters(inc, grid, bandwidth=400)
    assert explicit.bandwidth == 400 and not any("smaller" in n for n in explicit.notes)
    with pytest.raises(ValueError, match="multiplier: expected a positive"):
        H.kde_parameters(inc, grid, multiplier=0)
    with pytest.raises(ValueError, match="bandwidth: expected a positive"):
        H.kde_parameters(inc, grid, bandwidth=0)
