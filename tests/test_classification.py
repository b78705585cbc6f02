"""Tests for csp_data.classification: classification, palettes, colours and legends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data import classification as C
from csp_data.hotspots import GISTAR_CLASSES


def test_hex_and_rgba_round_trip() -> None:
    assert C.hex_to_rgba("#21918c") == [33, 145, 140, 255]
    assert C.hex_to_rgba("#21918c", 100)[3] == 100
    assert C.hex_to_rgba("") == [0, 0, 0, 0]
    assert C.rgba_to_hex([33, 145, 140, 255]) == "#21918c"
    with pytest.raises(ValueError, match="colour: expected '#rrggbb'"):
        C.hex_to_rgba("#fff")


def test_palette_runs_light_to_dark_by_default() -> None:
    assert C.palette("viridis", 2) == ["#fde725", "#440154"]
    assert C.palette("viridis", 2, reverse=False) == ["#440154", "#fde725"]
    assert C.palette("cividis", 3)[0] == "#fee838"
    assert len(C.palette("viridis", 7)) == 7
    assert C.palette("viridis", 1) == ["#21918c"]
    with pytest.raises(ValueError, match="palette: unknown name 'jet'"):
        C.palette("jet", 3)
    with pytest.raises(ValueError, match="n: expected at least 1"):
        C.palette("viridis", 0)


def test_diverging_palette_has_no_red_or_green() -> None:
    blues, oranges = C.diverging_palette(3)
    assert blues == ["#d1e5f0", "#4393c3", "#053061"]
    assert oranges == ["#fee0b6", "#e08214", "#7f3b08"]
    for colour in blues:
        r, g, b, _ = C.hex_to_rgba(colour)
        assert b >= r  # blue side
    for colour in oranges:
        r, g, b, _ = C.hex_to_rgba(colour)
        assert r > b and g < r  # orange/brown side
    with pytest.raises(ValueError, match="n_side: expected 1 to 5"):
        C.diverging_palette(6)


def test_classify_schemes() -> None:
    v = np.arange(1, 11, dtype=float)
    q = C.classify(v, scheme="quantiles", k=5)
    assert q.bins == pytest.approx((2.8, 4.6, 6.4, 8.2, 10.0))
    assert q.yb.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    e = C.classify(v, scheme="equal_interval", k=3)
    assert e.bins == pytest.approx((4.0, 7.0, 10.0))
    assert e.yb.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    n = C.classify([1, 1, 2, 2, 10, 11, 12], scheme="natural_breaks", k=2)
    assert n.bins == pytest.approx((2.0, 12.0))
    assert C.classify([1, 1, 2, 2, 10, 11, 12], scheme="natural_breaks", k=2).bins == n.bins  # deterministic


def test_classify_reduces_k_and_marks_nan() -> None:
    c = C.classify([3.0, 3.0, np.nan, 5.0], scheme="quantiles", k=5)
    assert c.k == 2
    assert c.yb.tolist() == [0, 0, -1, 1]
    one = C.classify([4.0, 4.0], k=5)
    assert one.bins == (4.0,) and one.yb.tolist() == [0, 0]
    empty = C.classify([np.nan], k=3)
    assert empty.k == 0 and empty.yb.tolist() == [-1]
    with pytest.raises(ValueError, match="scheme: unknown classification 'jenks'"):
        C.classify([1.0], scheme="jenks")
    with pytest.raises(ValueError, match="k: expected at least 1 class"):
        C.classify([1.0], k=0)


def test_legend_labels() -> None:
    c = C.classify(np.arange(1, 11, dtype=float), scheme="equal_interval", k=3)
    assert C.legend_labels(c) == ["1 to 4", "4 to 7", "7 to 10"]
    assert C.legend_labels(c, fmt="{:.1f}") == ["1.0 to 4.0", "4.0 to 7.0", "7.0 to 10.0"]


def test_colour_scale_sequential_legend_counts() -> None:
    values = [0, 1, 2, 3, 4, 5, np.nan]
    colours, legend = C.colour_scale(values, scheme="equal_interval", k=3)
    assert list(legend.columns) == C.LEGEND_COLUMNS
    assert legend["n"].sum() == len(values)
    assert legend["label"].iloc[-1] == "No data"
    assert colours[-1][:3] == C.hex_to_rgba(C.NO_DATA)[:3]
    assert colours[0] != colours[5]
    assert C.rgba_to_hex(colours[5]) == legend["colour"].iloc[2]  # top class = darkest


def test_colour_scale_zero_transparent() -> None:
    colours, legend = C.colour_scale([0, 0, 3, 9], k=2, zero_transparent=True)
    assert colours[0][3] == 0 and colours[1][3] == 0
    assert legend["label"].iloc[0] == "0 (not shown)" and legend["n"].iloc[0] == 2
    assert legend["n"].sum() == 4


def test_colour_scale_diverging_neutral_at_zero() -> None:
    values = [-10, -2, 0, 3, 12, np.nan]
    colours, legend = C.colour_scale(values, k=4, diverging=True, scheme="equal_interval")
    assert C.rgba_to_hex(colours[2]) == C.NEUTRAL
    assert C.rgba_to_hex(colours[0]) in C.DIVERGING_NEGATIVE
    assert C.rgba_to_hex(colours[4]) in C.DIVERGING_POSITIVE
    assert C.rgba_to_hex(colours[5]) == C.NO_DATA
    labels = legend["label"].tolist()
    assert labels[0].startswith("−") and "0" in labels
    assert labels[labels.index("0") + 1].startswith("+")
    assert legend["n"].sum() == len(values)
    # the largest decrease is the darkest blue
    assert C.DIVERGING_NEGATIVE.index(C.rgba_to_hex(colours[0])) > C.DIVERGING_NEGATIVE.index(
        C.rgba_to_hex(colours[1])
    )


def test_class_colours_keeps_every_class() -> None:
    classes = pd.Series(["Hot spot 99%", "Not significant", "Hot spot 99%"])
    colours, legend = C.class_colours(classes, C.GISTAR_COLOURS)
    assert legend["label"].tolist() == list(GISTAR_CLASSES)
    assert legend.set_index("label").loc["Hot spot 99%", "n"] == 2
    assert legend.set_index("label").loc["Cold spot 99%", "n"] == 0
    assert colours[1][3] == 0  # not significant is not painted
    with pytest.raises(ValueError, match="classes: unknown class 'Warm'"):
        C.class_colours(pd.Series(["Warm"]), C.GISTAR_COLOURS)


def test_natural_breaks_on_many_values_uses_order_statistics() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(10, 1, 2_000), rng.normal(100, 5, 500)])
    c = C.classify(values, scheme="natural_breaks", k=2)
    assert c.bins[-1] == pytest.approx(values.max())
    assert 13 < c.bins[0] < 80  # the gap between the two clusters
    assert (c.yb[:2_000] == 0).all() and (c.yb[2_000:] == 1).all()


def test_faint_lowest_class() -> None:
    colours, legend = C.colour_scale([1, 2, 3, 50, 60], k=2, scheme="natural_breaks", faint_lowest=True)
    assert [c[3] for c in colours] == [C.FAINT_ALPHA] * 3 + [220, 220]
    assert legend["n"].tolist() == [3, 2]
