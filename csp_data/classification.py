"""Map classification: class breaks (mapclassify), colour-blind-safe palettes, colours and legends.

Pure functions on values and class labels; the pydeck layers that draw them are in :mod:`csp_data.maps`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Final, Literal

import mapclassify
import numpy as np
import pandas as pd

from csp_data.hotspots import EMERGING_CLASSES, GISTAR_CLASSES

Scheme = Literal["quantiles", "natural_breaks", "equal_interval"]
SCHEMES: Final[dict[str, str]] = {
    "quantiles": "Quantiles",
    "natural_breaks": "Natural breaks (Fisher-Jenks)",
    "equal_interval": "Equal interval",
}
Rgba = list[int]

#: Sequential, perceptually uniform, colour-blind-safe ramps (11 stops, low -> high in the
#: matplotlib orientation; cividis stops approximate).
SEQUENTIAL: Final[dict[str, tuple[str, ...]]] = {
    "viridis": (
        "#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
        "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725",
    ),
    "cividis": (
        "#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8779",
        "#a69d75", "#c4b56c", "#e4cf5b", "#f5e14c", "#fee838",
    ),
}  # fmt: skip
#: Diverging blue (down) -> neutral (zero) -> orange/brown (up); no red/green.
DIVERGING_NEGATIVE: Final = ("#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061")  # light -> dark
DIVERGING_POSITIVE: Final = ("#fee0b6", "#fdb863", "#e08214", "#b35806", "#7f3b08")  # light -> dark
NEUTRAL: Final = "#f7f7f7"
NO_DATA: Final = "#bdbdbd"

#: Gi* class colours: orange/brown for hot, blue for cold, none for not significant.
GISTAR_COLOURS: Final[dict[str, str]] = dict(
    zip(GISTAR_CLASSES, ("#b35806", "#e08214", "#fdb863", "", "#92c5de", "#4393c3", "#2166ac"), strict=True)
)
EMERGING_COLOURS: Final[dict[str, str]] = dict(
    zip(
        EMERGING_CLASSES,
        ("#7f3b08", "#e08214", "#fdb863", "#fee0b6", "#053061", "#2166ac", "#92c5de", "#d1e5f0", ""),
        strict=True,
    )
)

#: Opacity (0-255) of the lowest class of a density surface drawn with ``faint_lowest``.
FAINT_ALPHA: Final = 60
#: Natural breaks on more values than this use evenly spaced order statistics (see classify).
NATURAL_BREAKS_SAMPLE: Final = 300


def hex_to_rgba(colour: str, alpha: int = 255) -> Rgba:
    """'#21918c' -> [33, 145, 140, alpha]; '' (no colour) -> fully transparent."""
    if not colour:
        return [0, 0, 0, 0]
    c = colour.lstrip("#")
    if len(c) != 6:
        raise ValueError(f"colour: expected '#rrggbb', got {colour!r}")
    return [int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), alpha]


def rgba_to_hex(rgba: Rgba) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3])


def palette(name: str, n: int, *, reverse: bool = True) -> list[str]:
    """``n`` colours sampled evenly from a sequential ramp.

    ``reverse=True`` (default) runs light -> dark, so the highest class is the darkest on the
    page's plain background.
    """
    if name not in SEQUENTIAL:
        raise ValueError(f"palette: unknown name {name!r}; expected one of {list(SEQUENTIAL)}")
    if n < 1:
        raise ValueError(f"n: expected at least 1 colour, got {n}")
    stops = np.array([hex_to_rgba(h)[:3] for h in SEQUENTIAL[name]], dtype=float)
    if reverse:
        stops = stops[::-1]
    pos = np.linspace(0.0, 1.0, len(stops))
    at = np.array([0.5]) if n == 1 else np.linspace(0.0, 1.0, n)
    rgb = np.column_stack([np.interp(at, pos, stops[:, i]) for i in range(3)])
    return [rgba_to_hex([round(v) for v in row]) for row in rgb]


def diverging_palette(n_side: int) -> tuple[list[str], list[str]]:
    """(blues, oranges), each ``n_side`` colours from light to dark (neutral not included)."""
    if not 1 <= n_side <= len(DIVERGING_POSITIVE):
        raise ValueError(f"n_side: expected 1 to {len(DIVERGING_POSITIVE)}, got {n_side}")
    pick = np.round(np.linspace(0, len(DIVERGING_POSITIVE) - 1, n_side)).astype(int) if n_side > 1 else [2]
    return [DIVERGING_NEGATIVE[i] for i in pick], [DIVERGING_POSITIVE[i] for i in pick]


# ------------------------------------------------------------------------------------ classification


@dataclass(frozen=True)
class Classification:
    """Class breaks for a set of values.

    ``bins`` are inclusive upper bounds; ``yb`` the class of each value (-1 for NaN).
    """

    scheme: str
    bins: tuple[float, ...]
    yb: np.ndarray
    minimum: float

    @property
    def k(self) -> int:
        return len(self.bins)


def classify(values: pd.Series | np.ndarray, *, scheme: str = "quantiles", k: int = 5) -> Classification:
    """Classify values with mapclassify (quantiles, Fisher-Jenks natural breaks or equal interval).

    ``k`` is reduced to the number of distinct values when there are fewer. NaN values get class -1.
    Natural breaks on more than ``NATURAL_BREAKS_SAMPLE`` values are computed on that many evenly
    spaced order statistics (Fisher-Jenks is quadratic in n).

    Raises
    ------
    ValueError
        For an unknown scheme or k < 1.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme: unknown classification {scheme!r}; expected one of {list(SCHEMES)}")
    if k < 1:
        raise ValueError(f"k: expected at least 1 class, got {k}")
    y = np.asarray(values, dtype=float)
    ok = np.isfinite(y)
    yb = np.full(len(y), -1, dtype=np.int64)
    if not ok.any():
        return Classification(scheme, (), yb, math.nan)
    vals = y[ok]
    uniq = np.unique(vals)
    k_eff = min(k, len(uniq))
    if k_eff == 1:
        bins = np.array([uniq[-1]])
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if scheme == "quantiles":
                c = mapclassify.Quantiles(vals, k=k_eff)
            elif scheme == "natural_breaks":
                # mapclassify's Fisher-Jenks is O(k n²) in pure Python without numba: above
                # NATURAL_BREAKS_SAMPLE values it runs on evenly spaced order statistics
                # (deterministic; the maximum is always included).
                ordered = np.sort(vals)
                if len(ordered) > NATURAL_BREAKS_SAMPLE:
                    idx = np.linspace(0, len(ordered) - 1, NATURAL_BREAKS_SAMPLE).round().astype(int)
                    c = mapclassify.FisherJenks(ordered[idx], k=k_eff)
                    c.bins = _refine_breaks(ordered, idx, np.asarray(c.bins, dtype=float))
                else:
                    c = mapclassify.FisherJenks(ordered, k=k_eff)
            else:
                c = mapclassify.EqualInterval(vals, k=k_eff)
        bins = np.unique(np.asarray(c.bins, dtype=float))
    bins[-1] = max(bins[-1], vals.max())
    yb[ok] = np.searchsorted(bins, vals, side="left")
    return Classification(scheme, tuple(float(b) for b in bins), yb, float(vals.min()))


def _refine_breaks(ordered: np.ndarray, idx: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Move each break found on a sample to the widest gap between it and the next sampled value."""
    sampled = ordered[idx]
    out = bins.copy()
    for j, b in enumerate(bins[:-1]):
        i = int(np.searchsorted(sampled, b, side="right")) - 1
        lo, hi = int(idx[i]), int(idx[min(i + 1, len(idx) - 1)])
        if hi > lo:
            window = ordered[lo : hi + 1]
            out[j] = window[int(np.argmax(np.diff(window)))]
    return out


def _fmt(value: float, fmt: str) -> str:
    text = fmt.format(value)
    return text.replace("-", "−")


def legend_labels(classification: Classification, *, fmt: str = "{:,.0f}") -> list[str]:
    """'0 to 12', '12 to 25', ... (each class includes its upper bound)."""
    labels = []
    lower = classification.minimum
    for b in classification.bins:
        labels.append(_fmt(lower, fmt) if lower == b else f"{_fmt(lower, fmt)} to {_fmt(b, fmt)}")
        lower = b
    return labels


LEGEND_COLUMNS: Final = ["colour", "label", "n"]


def colour_scale(
    values: pd.Series | np.ndarray,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    palette_name: str = "viridis",
    diverging: bool = False,
    fmt: str = "{:,.0f}",
    alpha: int = 220,
    zero_transparent: bool = False,
    faint_lowest: bool = False,
) -> tuple[list[Rgba], pd.DataFrame]:
    """Colour for each value and the legend.

    Sequential: classes from ``classify`` coloured light -> dark with ``palette_name``.
    Diverging (for change): negatives and positives are classified separately on their size
    (about k/2 classes each) and coloured blue (down) and orange/brown (up); exactly zero is neutral.
    NaN is grey ("No data"). With ``zero_transparent`` zero values are not painted and not classified;
    with ``faint_lowest`` the lowest sequential class is drawn nearly transparent (density surfaces,
    where the lowest class is the background level and would otherwise cover the map).

    Returns
    -------
    (colours, legend)
        RGBA lists in the order of ``values``, and a legend frame ``colour, label, n`` in class order.
    """
    y = np.asarray(values, dtype=float)
    colours: list[Rgba] = [hex_to_rgba(NO_DATA, alpha)] * len(y)
    rows: list[dict[str, Any]] = []
    if diverging:
        k_side = max(1, min(len(DIVERGING_POSITIVE), k // 2))
        neg = np.flatnonzero(np.isfinite(y) & (y < 0))
        pos = np.flatnonzero(np.isfinite(y) & (y > 0))
        zero = np.flatnonzero(y == 0)
        if len(neg):
            c = classify(-y[neg], scheme=scheme, k=k_side)
            labels = legend_labels(c, fmt=fmt)
            blues = diverging_palette(c.k)[0]
            for cls in range(c.k - 1, -1, -1):  # most negative first
                members = neg[c.yb == cls]
                col = blues[cls]
                for i in members:
                    colours[i] = hex_to_rgba(col, alpha)
                rows.append(
                    {"colour": col, "label": "−" + labels[cls].replace(" to ", " to −"), "n": len(members)}
                )
        if len(zero):
            for i in zero:
                colours[i] = hex_to_rgba(NEUTRAL, alpha)
            rows.append({"colour": NEUTRAL, "label": _fmt(0.0, fmt), "n": len(zero)})
        if len(pos):
            c = classify(y[pos], scheme=scheme, k=k_side)
            labels = legend_labels(c, fmt=fmt)
            oranges = diverging_palette(c.k)[1]
            for cls in range(c.k):
                members = pos[c.yb == cls]
                col = oranges[cls]
                for i in members:
                    colours[i] = hex_to_rgba(col, alpha)
                rows.append(
                    {"colour": col, "label": "+" + labels[cls].replace(" to ", " to +"), "n": len(members)}
                )
    else:
        use = np.isfinite(y) & ((y != 0) if zero_transparent else True)
        c = classify(np.where(use, y, np.nan), scheme=scheme, k=k)
        cols = palette(palette_name, c.k) if c.k else []
        labels = legend_labels(c, fmt=fmt)
        for i, cls in enumerate(c.yb):
            if cls >= 0:
                colours[i] = hex_to_rgba(
                    cols[cls], FAINT_ALPHA if faint_lowest and cls == 0 and c.k > 1 else alpha
                )
        for cls in range(c.k):
            rows.append({"colour": cols[cls], "label": labels[cls], "n": int((c.yb == cls).sum())})
        if zero_transparent:
            zero = np.isfinite(y) & (y == 0)
            for i in np.flatnonzero(zero):
                colours[i] = [0, 0, 0, 0]
            if zero.any():
                rows.insert(0, {"colour": "", "label": _fmt(0.0, fmt) + " (not shown)", "n": int(zero.sum())})
    missing = int((~np.isfinite(y)).sum())
    if missing:
        rows.append({"colour": NO_DATA, "label": "No data", "n": missing})
    return colours, pd.DataFrame(rows, columns=LEGEND_COLUMNS)


def class_colours(
    classes: pd.Series, mapping: dict[str, str], *, alpha: int = 220
) -> tuple[list[Rgba], pd.DataFrame]:
    """Colours for categorical classes (Gi*, emerging) and a legend of every class (zero counts kept)."""
    unknown = set(classes.dropna().astype(str)) - set(mapping)
    if unknown:
        raise ValueError(f"classes: unknown class {sorted(unknown)[0]!r}; expected one of {list(mapping)}")
    colours = [hex_to_rgba(mapping.get(str(c), ""), alpha) for c in classes]
    counts = classes.astype(str).value_counts()
    legend = pd.DataFrame(
        [{"colour": col, "label": name, "n": int(counts.get(name, 0))} for name, col in mapping.items()],
        columns=LEGEND_COLUMNS,
    )
    return colours, legend
