"""Near-repeat analysis: the Knox space-time test with Monte Carlo permutation of the dates.

For every pair of incidents the test asks how far apart they are (metres, EPSG:27700) and how many
days apart. Pairs are counted in a table of space bands by time bands. If incidents close in space are
also close in time more often than chance would give, the near-repeat pattern is there. "Chance" is
found by shuffling the dates over the same places (Monte Carlo permutation, seeded): the places and
the set of dates stay as they are, only which date goes with which place changes. (Knox 1964; Ratcliffe's
Near Repeat Calculator, 2009.)

Speed: the spatial pairs within the largest distance are found once (``scipy.spatial.cKDTree``); each
permutation re-bins only the day gaps of that fixed pair list (``np.digitize`` + ``np.bincount``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from csp_data.classification import DIVERGING_NEGATIVE, DIVERGING_POSITIVE, NEUTRAL
from csp_data.disclosure import suppress_table
from csp_data.format import NA, fmt_count

#: Default band upper edges: space in metres, time in days (0–100, 101–200, 201–400 m; 0–7, 8–14, 15–28 days).
DEFAULT_SPACE: Final = (100, 200, 400)
DEFAULT_TIME: Final = (7, 14, 28)
DEFAULT_PERMUTATIONS: Final = 999
DEFAULT_SEED: Final = 1
#: The output columns, in order (the CLI pins them).
COLUMNS: Final = ("space_from", "space_to", "time_from", "time_to", "observed", "expected", "knox_ratio", "p")
#: Above this many incidents the page asks before running (999 shuffles of a million pairs take tens of seconds).
LARGE_SELECTION: Final = 5_000
#: Fewest located, dated incidents the test is run on (fewer give no usable pairs).
MIN_INCIDENTS: Final = 10

REASON_NO_DATES: Final = (
    "the data has months only, not the day of each incident, so how many days apart two incidents were "
    "cannot be known"
)
REASON_SNAPPED: Final = (
    "police.uk publishes months only, and its locations are snapped to map points shared by many "
    "addresses, so distances under a few hundred metres are not the real ones"
)


@dataclass(frozen=True)
class KnoxResult:
    """The Knox table and what produced it.

    ``table`` has :data:`COLUMNS`: one row per space band by time band; ``expected`` is the mean count
    over the permutations, ``knox_ratio`` = observed / expected (NaN when expected is 0), ``p`` =
    (1 + permutations with a count ≥ observed) / (permutations + 1).
    """

    table: pd.DataFrame
    space: tuple[float, ...]
    time: tuple[int, ...]
    permutations: int
    seed: int
    n_incidents: int
    n_pairs: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """The parameters in one line (for the page and the CLI's stderr)."""
        return (
            f"Knox test on {self.n_incidents:,} incidents ({self.n_pairs:,} pairs within {self.space[-1]:g} m); "
            f"space bands {', '.join(band_labels(self.space, 'm'))}; time bands {', '.join(band_labels(self.time, 'days'))}; "
            f"{self.permutations:,} permutations of the dates, seed {self.seed}."
        )


def band_labels(edges: Sequence[float], unit: str) -> list[str]:
    """'0–100 m', '101–200 m', ... for upper edges (whole units: the next band starts one unit on).

    >>> band_labels((100, 200, 400), "m")
    ['0–100 m', '101–200 m', '201–400 m']
    """
    starts = [0.0] + [float(e) + 1 for e in edges[:-1]]
    return [f"{a:g}–{float(b):g} {unit}" for a, b in zip(starts, edges, strict=True)]


def parse_edges(text: str, *, what: str) -> tuple[int, ...]:
    """'100,200,400' -> (100, 200, 400); raises ValueError naming ``what`` unless increasing positive integers."""
    try:
        edges = tuple(int(p) for p in str(text).split(",") if p.strip())
    except ValueError:
        raise ValueError(f"{what}: expected comma-separated whole numbers such as 100,200,400, got {text!r}") from None
    check_edges(edges, what=what)
    return edges


def check_edges(edges: Sequence[float], *, what: str) -> None:
    """Raise ValueError unless ``edges`` is a non-empty, strictly increasing list of positive numbers."""
    if not edges or any(e <= 0 for e in edges) or any(b <= a for a, b in itertools.pairwise(edges)):
        raise ValueError(f"{what}: expected increasing positive band edges such as 100,200,400, got {list(edges)}")


def unavailable_reason(incidents: pd.DataFrame, *, policeuk: bool) -> str | None:
    """Why the Knox test cannot be run on ``incidents`` (None when it can).

    It needs the day of each incident and its location. police.uk data (``policeuk``: the dataset's
    source says police.uk) has neither (months only, snapped points); a force extract with a month
    column and no dates has no days. Either gets a reason, never a result.
    """
    if "date" not in incidents.columns or incidents["date"].isna().all():
        return f"{REASON_NO_DATES}" + (f"; {REASON_SNAPPED}." if policeuk else ".")
    usable = incidents["date"].notna() & incidents["x"].notna() & incidents["y"].notna()
    if int(usable.sum()) < MIN_INCIDENTS:
        return f"fewer than {MIN_INCIDENTS} incidents have both a date and a location ({int(usable.sum())})."
    return None


def _whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def spatial_pairs(x: np.ndarray, y: np.ndarray, max_distance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (i < j) of points within ``max_distance`` metres: (i, j, distance)."""
    if len(x) < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    tree = cKDTree(np.column_stack([x, y]))
    pairs = tree.query_pairs(r=max_distance, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    d = np.hypot(x[i] - x[j], y[i] - y[j])
    return i, j, d


def knox_test(
    incidents: pd.DataFrame,
    *,
    space: Sequence[float] = DEFAULT_SPACE,
    time: Sequence[int] = DEFAULT_TIME,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
) -> KnoxResult:
    """The Knox test of ``incidents`` (columns ``date``, ``x``, ``y``; rows missing any are left out).

    Parameters
    ----------
    incidents
        Incidents with an exact ``date`` (the day; the time of day is ignored) and ``x``/``y`` in metres.
    space, time
        Upper band edges, metres and days. A pair's distance ``d`` is in the first band with ``d ≤ edge``
        (so 0–100 m includes 100 m; 101–200 m starts above 100); likewise the day gap.
    permutations
        Shuffles of the dates (numpy Generator seeded with ``seed``); 0 gives expected and p as NaN.

    Returns
    -------
    KnoxResult
        One row per space band × time band, :data:`COLUMNS`.
    """
    check_edges(space, what="space bands")
    check_edges(time, what="time bands")
    if permutations < 0:
        raise ValueError(f"permutations: expected 0 or more, got {permutations}")
    usable = incidents["date"].notna() & incidents["x"].notna() & incidents["y"].notna()
    inc = incidents.loc[usable]
    days = pd.to_datetime(inc["date"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    days = (days - (days.min() if len(days) else 0)).astype(np.int32)
    x = inc["x"].to_numpy(dtype=float)
    y = inc["y"].to_numpy(dtype=float)
    i, j, d = spatial_pairs(x, y, float(space[-1]))
    n_s, n_t = len(space), len(time)
    s_band = np.digitize(d, np.asarray(space, dtype=float), right=True)
    # Pairs sorted by space band (then by first point, for memory locality): each band is one slice, and
    # a permutation's counts are comparisons of the slice's day gaps with the time edges (cumulative
    # counts, then differences), cheaper than digitize + bincount on every shuffle.
    order = np.lexsort((i, s_band))
    i32, j32 = i[order].astype(np.int32), j[order].astype(np.int32)
    bounds = np.searchsorted(s_band[order], np.arange(n_s + 1))
    edges = [int(e) for e in time]

    def count(day: np.ndarray) -> np.ndarray:
        gap = np.abs(day[i32] - day[j32])
        out = np.zeros((n_s, n_t), dtype=np.int64)
        for a in range(n_s):
            g = gap[bounds[a] : bounds[a + 1]]
            cum = [np.count_nonzero(g <= e) for e in edges]
            out[a] = np.diff(np.asarray([0, *cum]))
        return out

    observed = count(days)
    rng = np.random.default_rng(seed)
    total = np.zeros_like(observed, dtype=np.float64)
    at_least = np.zeros_like(observed)
    for _ in range(permutations):
        sim = count(rng.permutation(days))
        total += sim
        at_least += sim >= observed
    if permutations:
        expected = total / permutations
        p = (1 + at_least) / (permutations + 1)
    else:
        expected = np.full(observed.shape, np.nan)
        p = np.full(observed.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1), np.nan)
    s_from = [0] + [_whole(e + 1) for e in space[:-1]]
    t_from = [0] + [int(e) + 1 for e in time[:-1]]
    rows = [
        (s_from[a], _whole(space[a]), t_from[b], int(time[b]), int(observed[a, b]), float(expected[a, b]),
         float(ratio[a, b]), float(p[a, b]))
        for a in range(n_s)
        for b in range(n_t)
    ]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    notes: tuple[str, ...] = ()
    left_out = int((~usable).sum())
    if left_out:
        notes = (f"{left_out:,} incidents without a date or a location are left out.",)
    return KnoxResult(
        table=table, space=tuple(float(s) for s in space), time=tuple(int(t) for t in time),
        permutations=int(permutations), seed=int(seed), n_incidents=len(inc), n_pairs=len(d), notes=notes,
    )


def strongest(result: KnoxResult, *, alpha: float = 0.05) -> pd.Series | None:
    """The closest band pair (smallest distance, then fewest days) with ratio > 1 and p < ``alpha``; else None."""
    t = result.table
    hit = t[(t["knox_ratio"] > 1) & (t["p"] < alpha)]
    if hit.empty:
        return None
    return hit.sort_values(["space_to", "time_to"]).iloc[0]


def safe_table(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The Knox table in partner-safe mode: an ``observed`` count under ``threshold`` shows as "<5",
    and its Knox ratio and p with it (the ratio times the expected count gives the count back). The band
    edges are not counts; the expected count is a mean over shuffles, not a count of people."""
    derived = {"knox_ratio": ["observed"], "p": ["observed"]}
    return suppress_table(table, threshold, counts=["observed"], derived=derived)


#: The page's table: column -> heading.
VIEW_COLUMNS: Final = {
    "distance": "Distance apart",
    "time": "Days apart",
    "observed": "Pairs observed",
    "expected": "Pairs expected by chance",
    "knox_ratio": "Knox ratio",
    "p": "p",
}
#: Ratio cut-points of the heat colour (a diverging blue-orange ramp, neutral around 1): below each
#: of these the blue shades, above the orange; colour-blind safe, and the value is written in the cell.
RATIO_BREAKS: Final = (0.5, 0.67, 0.83, 1.2, 1.5, 2.0, 3.0)


def ratio_colour(ratio: float) -> str:
    """The heat colour of a Knox ratio (n/a: no colour).

    >>> ratio_colour(1.0), ratio_colour(2.5), ratio_colour(0.4)
    ('#f7f7f7', '#e08214', '#4393c3')
    """
    if ratio is None or ratio != ratio:
        return ""
    blues = DIVERGING_NEGATIVE[:3][::-1]  # darkest for the lowest ratios
    steps = [*blues, NEUTRAL, *DIVERGING_POSITIVE[:4]]
    k = int(np.searchsorted(np.asarray(RATIO_BREAKS), ratio, side="right"))
    return steps[k]


def heat_style(text: str, colours: dict[str, str]) -> str:
    """CSS for a table cell showing ``text``: its background from ``colours`` (text -> colour)."""
    colour = colours.get(str(text), "")
    if not colour:
        return ""
    dark = colour == DIVERGING_POSITIVE[3]  # black text on the rest has a contrast of 4.5:1 or more
    return f"background-color: {colour}; color: {'#ffffff' if dark else '#000000'}"


def view_table(table: pd.DataFrame) -> pd.DataFrame:
    """The Knox table for reading: bands as words, counts with separators, ratio to 2 decimals, p to 3.

    The table may already be partner-safe (text "<5" cells): those are kept as they are.
    """
    def num(v: object, fmt: str) -> str:
        if isinstance(v, str):
            return v
        f = float(v)  # type: ignore[arg-type]
        return NA if f != f else format(f, fmt)

    out = pd.DataFrame(
        {
            "distance": [f"{a:g}–{b:g} m" for a, b in zip(table["space_from"], table["space_to"], strict=True)],
            "time": [f"{a}–{b} days" for a, b in zip(table["time_from"], table["time_to"], strict=True)],
            "observed": [v if isinstance(v, str) else fmt_count(v) for v in table["observed"]],
            "expected": [num(v, ".1f") for v in table["expected"]],
            "knox_ratio": [num(v, ".2f") for v in table["knox_ratio"]],
            "p": [num(v, ".3f") for v in table["p"]],
        }
    )
    return out.rename(columns=VIEW_COLUMNS)


def view_colours(table: pd.DataFrame) -> dict[str, str]:
    """Displayed Knox-ratio text -> heat colour, for :func:`heat_style` (suppressed cells: none)."""
    shown = view_table(table)[VIEW_COLUMNS["knox_ratio"]]
    return {
        str(text): ratio_colour(float(v))
        for text, v in zip(shown, table["knox_ratio"], strict=True)
        if not isinstance(v, str)
    }
