"""Presentation mode for charts: a Vega-Lite spec restyled for a meeting-room projector (no Streamlit).

``../shared/DESIGN.md``: readable from the back of the room, a high-contrast colour-blind-safe palette.
The chart builders (csp_data.charts and the pages' own) keep their colours; this module swaps each
light or low-contrast one for a darker colour of the same hue family (Okabe-Ito blue and orange, greys
of at least 3:1 on white, WCAG 1.4.11's contrast for graphical objects), thickens lines and enlarges
every text. Blue against orange-brown, with greys for comparators, stays distinguishable with every
common colour-vision deficiency, and the dashes and labels stay a second cue.
"""

from __future__ import annotations

from typing import Any, Final

from csp_data.charts import BAND_COLOUR, MSG_COLOUR

# normal colour (lower case) -> presentation colour; contrast on white in the comment
PRESENT_COLOURS: Final[dict[str, str]] = {
    MSG_COLOUR: "#595959",  # 3.9:1 -> 7.0:1 (the MSG line)
    BAND_COLOUR: "#b3b3b3",  # the MSG band: still lighter than every line drawn over it
    "#5b8db8": "#0072b2",  # bars: 3.6:1 -> 5.2:1 (Okabe-Ito blue)
    "#e69f00": "#b35806",  # ASB line: Okabe-Ito orange 2.0:1 -> orange-brown 4.9:1
    "#bdbdbd": "#767676",  # comparison bars: 1.9:1 -> 4.5:1
    "#9e9e9e": "#767676",  # gap rules: 2.7:1 -> 4.5:1
    "#c85200": "#b35806",  # peak bars: the one orange-brown of the palette
}
TEXT_COLOUR: Final = "#000000"
LINE_WIDTH: Final = 4
CHART_HEIGHT: Final = 520  # px: with its title and legend, one chart fills a 1080p screen's width and most of it

_CONFIG: Final[dict[str, Any]] = {
    "axis": {"labelFontSize": 20, "titleFontSize": 22, "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR},
    "legend": {"labelFontSize": 20, "titleFontSize": 20, "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR,
               "symbolSize": 300, "symbolStrokeWidth": LINE_WIDTH},
    "title": {"fontSize": 26, "subtitleFontSize": 20, "color": TEXT_COLOUR, "subtitleColor": TEXT_COLOUR},
    "line": {"strokeWidth": LINE_WIDTH},
    "text": {"fontSize": 20},
}


def _recolour(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _recolour(v) for k, v in value.items() if k != "datasets"}
    if isinstance(value, list):
        return [_recolour(v) for v in value]
    if isinstance(value, str):
        return PRESENT_COLOURS.get(value.lower(), value)
    return value


def _sized(value: Any) -> Any:
    """Font sizes written in the spec itself (they beat the config) raised to the presentation's."""
    if isinstance(value, dict):
        out = {k: _sized(v) for k, v in value.items() if k != "datasets"}
        for key, least in (("fontSize", 26), ("subtitleFontSize", 20)):
            if isinstance(out.get(key), int | float) and "text" in out:  # a title
                out[key] = max(out[key], least)
        for key, least in (("labelFontSize", 20), ("titleFontSize", 20), ("symbolStrokeWidth", LINE_WIDTH)):
            if isinstance(out.get(key), int | float):  # an axis or a legend of its own
                out[key] = max(out[key], least)
        return out
    if isinstance(value, list):
        return [_sized(v) for v in value]
    return value


def for_presentation(spec: dict[str, Any]) -> dict[str, Any]:
    """A new spec: ``spec`` (a top-level Vega-Lite dict, e.g. ``chart.to_dict()``) in presentation style.

    The data (``datasets``) is passed through untouched (a category named like a colour is not a
    colour); every other string equal to a colour of PRESENT_COLOURS is swapped; the config gains large
    black text and thick lines; the top-level height becomes CHART_HEIGHT (a concatenation keeps its own).

    >>> out = for_presentation({"mark": {"type": "line", "color": "#7F7F7F"}, "height": 260,
    ...                         "datasets": {"d": [{"name": "#7f7f7f"}]}})
    >>> out["mark"]["color"], out["height"], out["datasets"]["d"][0]["name"], out["config"]["line"]
    ('#595959', 520, '#7f7f7f', {'strokeWidth': 4})
    """
    out = _sized(_recolour(spec))
    if "datasets" in spec:
        out["datasets"] = spec["datasets"]
    if not any(k in spec for k in ("hconcat", "vconcat", "concat", "facet", "repeat")):
        out["height"] = CHART_HEIGHT
    config = dict(out.get("config", {}))
    for part, settings in _CONFIG.items():
        config[part] = {**config.get(part, {}), **settings}
    out["config"] = config
    return out
