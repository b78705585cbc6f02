"""csp_data.presentation: a chart spec restyled for presentation mode (hand-written specs)."""

from __future__ import annotations

import pandas as pd

from csp_data.charts import monthly_chart
from csp_data.presentation import CHART_HEIGHT, PRESENT_COLOURS, for_presentation


def _contrast(hex_colour: str) -> float:
    """WCAG contrast ratio of ``hex_colour`` on white (the formula of WCAG 2.2, written out here)."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 1.05 / (lum + 0.05)


def test_colours_are_swapped_everywhere_but_in_the_data() -> None:
    spec = {
        "layer": [
            {"mark": {"type": "line", "color": "#7F7F7F"}},
            {"mark": "bar", "encoding": {"color": {"scale": {"range": ["#E69F00", "#1f4e79"]}}}},
        ],
        "datasets": {"d": [{"series": "#e69f00"}]},
    }
    out = for_presentation(spec)
    assert out["layer"][0]["mark"]["color"] == "#595959"
    assert out["layer"][1]["encoding"]["color"]["scale"]["range"] == ["#b35806", "#1f4e79"]
    assert out["datasets"] == {"d": [{"series": "#e69f00"}]}
    assert spec["layer"][0]["mark"]["color"] == "#7F7F7F"  # the argument is not changed


def test_text_is_large_and_black_and_the_chart_tall() -> None:
    spec = {"mark": "line", "height": 260, "title": {"text": "T", "subtitle": "S", "fontSize": 16},
            "config": {"axis": {"grid": False}}}
    out = for_presentation(spec)
    assert out["height"] == CHART_HEIGHT == 520
    assert out["title"]["fontSize"] == 26
    assert out["config"]["axis"]["grid"] is False  # the chart's own config is kept
    assert out["config"]["axis"]["labelFontSize"] == 20 and out["config"]["axis"]["labelColor"] == "#000000"
    assert out["config"]["line"]["strokeWidth"] == 4


def test_a_legend_of_its_own_is_enlarged_too() -> None:
    spec = {"mark": "line", "encoding": {"color": {"legend": {"labelFontSize": 13, "symbolStrokeWidth": 3}}}}
    legend = for_presentation(spec)["encoding"]["color"]["legend"]
    assert legend == {"labelFontSize": 20, "symbolStrokeWidth": 4}


def test_a_concatenation_keeps_its_heights() -> None:
    out = for_presentation({"hconcat": [{"mark": "bar", "height": 100}]})
    assert "height" not in out and out["hconcat"][0]["height"] == 100


def test_presentation_colours_are_at_least_3_to_1_on_white() -> None:
    """WCAG 1.4.11 (graphical objects): every replacement but the MSG band, which sits under lines."""
    for old, new in PRESENT_COLOURS.items():
        if old != "#d9d9d9":
            assert _contrast(new) >= 3.0, (old, new)
    assert round(_contrast("#767676"), 2) == 4.54  # the known WCAG reference grey


def test_a_real_chart_survives() -> None:
    frame = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]), "series": "ASB",
                          "count": [3.0, 4.0]})
    spec = for_presentation(monthly_chart(frame, title="t", colours={"ASB": "#E69F00"}).to_dict())
    assert "#E69F00" not in str({k: v for k, v in spec.items() if k != "datasets"})
    assert "#b35806" in str(spec)
