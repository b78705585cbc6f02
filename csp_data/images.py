"""Charts and maps as images: PNG and SVG of any Altair chart, and static map images (no Streamlit).

Rendering is by ``vl-convert-python`` (Vega-Lite compiled and drawn in-process by a bundled Deno/Rust
engine): nothing is fetched from the network. The data is inlined in the spec, the fonts are the
system's and vl-convert's own, and the Vega-Lite ``$schema`` URL is only a label.

A chart image is the chart as shown: its title and subtitle, and its source line as a footer under
the plot (on the page the source is a caption outside the chart, so the image would lose it).

A map image is an Altair ``geoshape`` chart of the same layer the Hotspots page draws with pydeck: the
same features, classes, colours and legend labels (from :mod:`csp_data.classification`), the partnership
outline, and the attribution as the footer. It has no basemap (tiles would need the network); shapes are
drawn in British National Grid metres (EPSG:27700, identity projection, north up).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Final, cast

import altair as alt
import numpy as np
import pandas as pd
import shapely
import vl_convert as vlc

from csp_data.classification import Rgba, rgba_to_hex

#: The Vega-Lite version vl-convert compiles with (Altair 6 writes v6 specs).
VL_VERSION: Final = "6.4"
#: Width in pixels of a chart drawn with ``width="container"`` (the page's width is unknown off-screen).
IMAGE_WIDTH: Final = 760
MAP_WIDTH: Final = 620
FOOTER_COLOUR: Final = "#444444"
#: Metres: map coordinates are rounded to this (the images are at most a few thousand pixels wide).
MAP_ROUNDING: Final = 1


#: A chart, or its Vega-Lite spec (``chart.to_dict()``; the pages keep specs cached, see ui.cache.cached_chart_spec).
ChartLike = alt.TopLevelMixin | Mapping[str, Any]


def chart_spec(chart: ChartLike, *, footer: str = "", width: int = IMAGE_WIDTH) -> dict[str, Any]:
    """The Vega-Lite spec of ``chart`` ready to render off-screen: a fixed width when the chart fills its
    container, and ``footer`` (the source line) as a line of text under the plot.

    Parameters
    ----------
    chart
        Any Altair chart (single, layered, concatenated; with or without ``configure_*``), or its
        Vega-Lite spec (copied, never changed).
    footer
        Text drawn under the chart (left aligned, small grey); empty for none.
    width
        Width in pixels used when the chart has ``width="container"`` or no width.
    """
    # the builders' charts are valid (their tests validate them); validation costs ~1 s a chart
    spec = copy.deepcopy(dict(chart)) if isinstance(chart, Mapping) else chart.to_dict(validate=False)
    if spec.get("width") in (None, "container") and not any(k in spec for k in ("hconcat", "vconcat", "concat")):
        spec["width"] = width
    if not footer:
        return spec
    top: dict[str, Any] = {k: spec.pop(k) for k in ("$schema", "config", "datasets") if k in spec}
    lines = wrap(footer, max(40, int(spec.get("width", width) / 6.2)))
    footer_view = {
        "data": {"values": [{"line": line, "i": i} for i, line in enumerate(lines)]},
        "mark": {"type": "text", "align": "left", "baseline": "top", "fontSize": 11, "color": FOOTER_COLOUR},
        "encoding": {
            "text": {"field": "line", "type": "nominal"},
            "x": {"value": 0},
            "y": {"field": "i", "type": "ordinal", "axis": None},
        },
        "width": spec.get("width", width),
        "height": {"step": 15},
        "view": {"stroke": None},
    }
    return {**top, "vconcat": [spec, footer_view], "spacing": 6}


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces.

    >>> wrap("one two three", 8)
    ['one two', 'three']
    """
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def chart_png(chart: ChartLike, scale: float = 2, *, footer: str = "") -> bytes:
    """The chart as a PNG (``scale`` × its pixel size), with ``footer`` as its source line."""
    return bytes(vlc.vegalite_to_png(chart_spec(chart, footer=footer), scale=scale, vl_version=VL_VERSION))


def chart_svg(chart: ChartLike, *, footer: str = "") -> str:
    """The chart as an SVG document (text kept as text), with ``footer`` as its source line."""
    return str(vlc.vegalite_to_svg(chart_spec(chart, footer=footer), vl_version=VL_VERSION))


# --------------------------------------------------------------------------------------------- maps


def feature_labels(colours: Sequence[Rgba], legend: pd.DataFrame) -> list[str | None]:
    """The legend label of each feature, matched by its colour (``None``: transparent, not drawn).

    ``colours`` and ``legend`` are the two results of :func:`csp_data.classification.colour_scale` or
    ``class_colours``; a class's features all have the class's colour (only the alpha may differ).

    >>> legend = pd.DataFrame({"colour": ["#ff0000", "#0000ff"], "label": ["High", "Low"], "n": [1, 1]})
    >>> feature_labels([[0, 0, 255, 220], [255, 0, 0, 60], [0, 0, 0, 0]], legend)
    ['Low', 'High', None]
    """
    by_colour: dict[str, str] = {}
    for colour, label in zip(legend["colour"], legend["label"], strict=True):
        if colour:
            by_colour.setdefault(str(colour).lower(), str(label))
    out: list[str | None] = []
    for rgba in colours:
        if len(rgba) > 3 and rgba[3] == 0:
            out.append(None)
        else:
            out.append(by_colour.get(rgba_to_hex(rgba).lower()))
    return out


def _feature(geometry: shapely.Geometry, props: dict[str, Any]) -> dict[str, Any]:
    geom = shapely.set_precision(geometry, MAP_ROUNDING)
    return {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props}


def map_chart(
    shapes: Sequence[shapely.Geometry],
    colours: Sequence[Rgba],
    legend: pd.DataFrame,
    *,
    title: str,
    subtitle: str = "",
    legend_title: str = "",
    outlines: Sequence[shapely.Geometry] = (),
    width: int = MAP_WIDTH,
) -> alt.LayerChart:
    """A static map: ``shapes`` (EPSG:27700) filled by class, the legend, and outlines on top.

    Parameters
    ----------
    shapes
        One geometry per feature (areas or grid cells), in EPSG:27700 metres.
    colours, legend
        The colour of each feature and the legend (``colour, label, n``) as the page's map uses them.
        Transparent features (alpha 0) are not drawn; legend rows without a colour (e.g. '0 (not
        shown)') are not in the image's legend.
    title, subtitle, legend_title
        The map's title, subtitle and legend title.
    outlines
        Lines drawn over the fill (the partnership outline), EPSG:27700.

    Returns
    -------
    altair.LayerChart
        Geoshape layers with an identity projection (y reflected so north is up).
    """
    if len(shapes) != len(colours):
        raise ValueError(f"colours: expected one per shape ({len(shapes)}), got {len(colours)}")
    labels = feature_labels(colours, legend)
    # each feature keeps the alpha the page draws it with (a faint lowest density class stays faint)
    features = [
        _feature(geom, {"label": label, "alpha": round((rgba[3] if len(rgba) > 3 else 255) / 255, 3)})
        for geom, label, rgba in zip(shapes, labels, colours, strict=True)
        if label is not None and geom is not None and not shapely.is_empty(geom)
    ]
    shown = legend[legend["colour"].astype(str) != ""]
    domain = [str(v) for v in shown["label"]]
    scale = alt.Scale(domain=domain, range=[str(c) for c in shown["colour"]])
    fill = alt.Chart(alt.InlineData(values=features, format=alt.DataFormat(type="json"))).mark_geoshape(
        stroke="#ffffff", strokeWidth=0.3
    ).encode(
        opacity=alt.Opacity("properties.alpha:Q", scale=None, legend=None),
        color=alt.Color("properties.label:N", title=legend_title or None, scale=scale,
                        legend=alt.Legend(orient="right", labelLimit=260, symbolType="square")),
    ).project(type="identity", reflectY=True)
    layers: list[alt.Chart] = [fill]
    lines = [_feature(g, {}) for g in outlines if g is not None and not shapely.is_empty(g)]
    if lines:
        layers.append(
            alt.Chart(alt.InlineData(values=lines, format=alt.DataFormat(type="json"))).mark_geoshape(
                filled=False, stroke="#3c3c3c", strokeWidth=1.5
            ).project(type="identity", reflectY=True)
        )
    if not features and not lines:
        raise ValueError("shapes: nothing to draw (every feature is transparent and there is no outline)")
    chart = alt.layer(*layers).properties(
        title=alt.TitleParams(text=title, subtitle=subtitle, anchor="start", fontSize=16, subtitleFontSize=12),
        width=width,
        height=width,
    )
    return cast(alt.LayerChart, chart)


def area_shapes(areas: pd.DataFrame) -> list[shapely.Geometry]:
    """The geometries of an areas frame (GeoDataFrame in EPSG:27700), in row order."""
    return list(np.asarray(areas["geometry"]))


def cell_shapes(grid: Any, cells: pd.DataFrame) -> list[shapely.Geometry]:
    """The polygons of ``cells`` (rows of a grid's cell table) of ``grid`` (``csp_data.hotspots.Grid``)."""
    return [shapely.Polygon(ring) for ring in grid.polygons(cells)]


def map_png(chart: alt.TopLevelMixin, scale: float = 2, *, attribution: str = "") -> bytes:
    """A map chart (:func:`map_chart`) as a PNG with the ``attribution`` under it."""
    return chart_png(chart, scale, footer=attribution)


__all__ = [
    "area_shapes",
    "cell_shapes",
    "chart_png",
    "chart_spec",
    "chart_svg",
    "feature_labels",
    "map_chart",
    "map_png",
    "wrap",
]
