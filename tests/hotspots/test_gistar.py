"""Tests for csp_data.hotspots.gistar: Gi* against hand-computed answers, the direct formula and esda."""

from __future__ import annotations

import math

import esda
import numpy as np
import pytest
from libpysal.weights import fill_diagonal, lat2W
from shapely.geometry import box

from csp_data import hotspots as H
from tests.hotspots_fixtures import pts


def gistar_direct(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Getis & Ord (1995) Gi* with a dense binary weights matrix that includes the diagonal."""
    n = len(y)
    xbar = y.mean()
    s = math.sqrt((y**2).mean() - xbar**2)
    wi = w.sum(axis=1)
    s1 = (w**2).sum(axis=1)
    return (w @ y - xbar * wi) / (s * np.sqrt((n * s1 - wi**2) / (n - 1)))


# --------------------------------------------------------------------------------------------- Gi*


def test_gistar_known_answer_on_a_strip() -> None:
    # five cells in a row, counts 0 0 10 0 0: n = 5, mean 2, S = 4.
    # middle three: W = 3, sum = 10 -> (10 - 6) / (4 * sqrt((15 - 9) / 4)) = +sqrt(2/3)
    # ends: W = 2, sum = 0 -> (0 - 4) / (4 * sqrt((10 - 4) / 4)) = -sqrt(2/3)
    grid = H.make_grid(box(0, 0, 500, 100), cell_size=100)
    assert grid.n_cells == 5
    counts = H.count_grid(pts(*[(250, 50)] * 10), grid)
    out = H.gistar(counts, grid)
    r = math.sqrt(2 / 3)
    assert out["z"].to_numpy() == pytest.approx([-r, r, r, r, -r])
    assert out["p"].to_numpy() == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(r / math.sqrt(2)))))
    assert (out["class"] == H.NOT_SIGNIFICANT).all()
    assert list(out.columns) == H.GISTAR_COLUMNS


def test_gistar_equals_direct_formula_and_esda_with_lat2w() -> None:
    rows, cols = 6, 7
    grid = H.make_grid(box(0, 0, cols * 100, rows * 100), cell_size=100)
    rng = np.random.default_rng(42)
    y = rng.poisson(3, rows * cols).astype(float)
    counts = grid.cells.copy()
    counts["count"] = y.astype(np.int64)
    out = H.gistar(counts, grid)
    # dense weights: the 8 neighbours and the cell itself
    r, c = np.divmod(np.arange(rows * cols), cols)
    w = ((np.abs(r[:, None] - r[None, :]) <= 1) & (np.abs(c[:, None] - c[None, :]) <= 1)).astype(float)
    assert out["z"].to_numpy() == pytest.approx(gistar_direct(y, w))
    lw = fill_diagonal(lat2W(rows, cols, rook=False), 1.0)
    g = esda.G_Local(y, lw, transform="B", star=True, permutations=0)
    assert out["z"].to_numpy() == pytest.approx(np.asarray(g.Zs))
    assert (H.grid_weights(grid).toarray() == w).all()


def test_gistar_finds_a_planted_cluster() -> None:
    grid = H.make_grid(box(0, 0, 1_000, 1_000), cell_size=100)
    cluster = [(x, y) for x in (350, 450, 550) for y in (350, 450, 550) for _ in range(8)]
    background = [(x + 50, y + 50) for x in range(0, 1_000, 100) for y in range(0, 1_000, 100)]
    out = H.gistar(H.count_grid(pts(*cluster, *background), grid), grid)
    centre = out.loc[(out["x"] == 450) & (out["y"] == 450)].iloc[0]
    assert centre["class"] == "Hot spot 99%"
    assert centre["confidence"] == 0.99
    assert (out.loc[out["z"] < 0, "class"].isin([H.NOT_SIGNIFICANT, *H.GISTAR_CLASSES[4:]])).all()


def test_gistar_constant_counts_are_not_significant() -> None:
    grid = H.make_grid(box(0, 0, 300, 300), cell_size=100)
    counts = grid.cells.assign(count=2)
    out = H.gistar(counts, grid)
    assert (out["z"] == 0).all() and (out["p"] == 1).all()
    assert (out["class"] == H.NOT_SIGNIFICANT).all()


def test_gistar_validation() -> None:
    grid = H.make_grid(box(0, 0, 300, 300), cell_size=100)
    with pytest.raises(ValueError, match="counts: cell_id does not match"):
        H.gistar(grid.cells.assign(count=1).iloc[:-1], grid)
    hexes = H.make_grid(box(0, 0, 300, 300), cell_size=100, shape="hex")
    with pytest.raises(ValueError, match="Gi\\* needs a square grid"):
        H.grid_weights(hexes)


def test_classify_gistar_thresholds() -> None:
    z = np.array([2.576, 2.575, 1.96, 1.959, 1.645, 1.644, 0.0, -1.7, -2.0, -3.0])
    classes, conf = H.classify_gistar(z, H.two_sided_p(z))
    assert list(classes) == [
        "Hot spot 99%",
        "Hot spot 95%",
        "Hot spot 95%",
        "Hot spot 90%",
        "Hot spot 90%",
        H.NOT_SIGNIFICANT,
        H.NOT_SIGNIFICANT,
        "Cold spot 90%",
        "Cold spot 95%",
        "Cold spot 99%",
    ]
    assert conf[0] == 0.99 and np.isnan(conf[6])


def test_two_sided_p() -> None:
    assert H.two_sided_p(np.array([1.96]))[0] == pytest.approx(0.05, abs=1e-4)
    assert H.two_sided_p(np.array([-2.576]))[0] == pytest.approx(0.01, abs=1e-4)


def test_fdr_correction_is_stricter() -> None:
    z = np.zeros(101)
    z[0] = 3.5  # p = 0.000465
    p = H.two_sided_p(z)
    plain, _ = H.classify_gistar(z, p)
    assert plain[0] == "Hot spot 99%"
    corrected, _ = H.classify_gistar(z, p, fdr=True)
    # BH: the smallest p must be under alpha / 101: 0.01/101 = 9.9e-5 (no), 0.05/101 = 4.95e-4 (yes)
    assert corrected[0] == "Hot spot 95%"
    assert H.bh_cutoff(p, 0.05) == pytest.approx(0.05 / 101)
    assert H.bh_cutoff(np.array([]), 0.05) == 0.0
