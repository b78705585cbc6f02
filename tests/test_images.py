"""csp_data.images: chart PNG/SVG with the source line, static map images."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd
import pytest
import shapely

from csp_data import classification as K
from csp_data.charts import profile_chart
from csp_data.images import chart_png, chart_spec, chart_svg, feature_labels, map_chart, map_png

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _chart() -> alt.Chart:
    frame = pd.DataFrame({"day": ["Mon", "Tue", "Wed"], "count": [3, 5, 4]})
    return profile_chart(frame, x="day", title="Tuesday is busiest", subtitle="Burglary, Jan 2026")


def _svg_text(svg: str) -> str:
    root = ET.fromstring(svg)  # parses as XML
    return " ".join(t for el in root.iter() for t in [el.text] if t)


def test_chart_png_is_a_png() -> None:
    png = chart_png(_chart(), footer="Source: police.uk")
    assert png[:8] == PNG_MAGIC
    assert len(png) > 1000


def test_chart_svg_parses_and_has_title_subtitle_and_source() -> None:
    text = _svg_text(chart_svg(_chart(), footer="Source: police.uk"))
    assert "Tuesday is busiest" in text
    assert "Burglary, Jan 2026" in text
    assert "Source: police.uk" in text


def test_chart_svg_keeps_configured_chart() -> None:
    # a chart with configure_* (presentation mode) can still take the footer
    text = _svg_text(chart_svg(_chart().configure_title(fontSize=24), footer="Src"))
    assert "Tuesday is busiest" in text and "Src" in text


def test_container_width_gets_a_fixed_width_and_footer_wraps() -> None:
    spec = chart_spec(_chart(), footer="word " * 100, width=500)
    assert spec["vconcat"][0]["width"] == 500
    lines = spec["vconcat"][1]["data"]["values"]
    assert len(lines) > 1 and all(len(v["line"]) <= 500 / 6.2 + 5 for v in lines)


def test_no_footer_no_concat() -> None:
    assert "vconcat" not in chart_spec(_chart())


def _squares() -> list[shapely.Geometry]:
    return [shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100), shapely.box(200, 0, 300, 100)]


def test_feature_labels_follow_the_legend_colours() -> None:
    colours, legend = K.class_colours(pd.Series(["Hot spot 99%", "Not significant", "Cold spot 95%"]),
                                      K.GISTAR_COLOURS)
    assert feature_labels(colours, legend) == ["Hot spot 99%", None, "Cold spot 95%"]


def test_map_chart_same_classes_colours_and_labels() -> None:
    colours, legend = K.class_colours(pd.Series(["Hot spot 99%", "Not significant", "Cold spot 95%"]),
                                      K.GISTAR_COLOURS)
    spec = map_chart(_squares(), colours, legend, title="Gi*", outlines=[shapely.box(0, 0, 300, 100)]).to_dict()
    fill = spec["layer"][0]
    scale = fill["encoding"]["color"]["scale"]
    shown = legend[legend["colour"] != ""]
    assert scale["domain"] == list(shown["label"])  # every class with a colour, in the legend's order
    assert scale["range"] == list(shown["colour"])
    data = fill["data"]
    values = data["values"] if "values" in data else spec["datasets"][data["name"]]
    labels = [f["properties"]["label"] for f in values]
    assert labels == ["Hot spot 99%", "Cold spot 95%"]  # the transparent (not significant) cell is not drawn
    assert [f["properties"]["alpha"] for f in values] == [round(220 / 255, 3)] * 2  # drawn as on the page


def test_map_png_with_attribution() -> None:
    colours, legend = K.colour_scale(pd.Series([1.0, 2.0, 3.0]), k=3)
    chart = map_chart(_squares(), colours, legend, title="Counts", legend_title="Incidents")
    png = map_png(chart, attribution="Contains OS data © Crown copyright")
    assert png[:8] == PNG_MAGIC and len(png) > 1000
    svg = chart_svg(chart, footer="Contains OS data © Crown copyright")
    assert "Contains OS data © Crown copyright" in _svg_text(svg)


def test_map_chart_checks_inputs() -> None:
    colours, legend = K.colour_scale(pd.Series([1.0, 2.0]), k=2)
    with pytest.raises(ValueError, match="one per shape"):
        map_chart(_squares(), colours, legend, title="x")
    with pytest.raises(ValueError, match="nothing to draw"):
        map_chart([shapely.box(0, 0, 1, 1)], [[0, 0, 0, 0]], legend, title="x")
