"""The Knox near-repeat test: hand-counted pairs, the exact permutation mean, the planted demo pattern."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from csp_data.hotspots.nearrepeat import (
    COLUMNS,
    knox_test,
    parse_edges,
    safe_table,
    strongest,
    unavailable_reason,
)
from csp_data.tools.demo.nearrepeat import near_repeat_burglaries

DAY0 = pd.Timestamp("2024-03-01")


def frame(points: list[tuple[float, float, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x": [p[0] for p in points],
            "y": [p[1] for p in points],
            "date": [DAY0 + pd.Timedelta(days=p[2]) for p in points],
        }
    )


#: Eight incidents (x m, y m, day). Pairs within 400 m, worked by hand (bands 0–100 / 101–200 /
#: 201–400 m by 0–7 / 8–14 / 15–28 days; an edge belongs to the lower band):
#:   A-B  50 m,   3 days -> (0–100, 0–7)
#:   A-C 150 m,  10 days -> (101–200, 8–14)
#:   B-C 158.1 m (sqrt(50² + 150²)), 7 days -> (101–200, 0–7)   7 days is in 0–7
#:   A-D 300 m,  20 days -> (201–400, 15–28)
#:   B-D 250 m,  17 days -> (201–400, 15–28)
#:   C-D 335.4 m (sqrt(300² + 150²)), 10 days -> (201–400, 8–14)
#:   E-F 100 m exactly, 40 days -> 0–100 m but beyond 28 days: not counted
#:   E-G 300 m,  41 days -> not counted
#:   F-G 200 m exactly, 1 day -> (101–200, 0–7)                 200 m is in 101–200
#:   H is 5 km from everyone.
EIGHT = [
    (0, 0, 0),  # A
    (50, 0, 3),  # B
    (0, 150, 10),  # C
    (300, 0, 20),  # D
    (5000, 5000, 0),  # E
    (5000, 5100, 40),  # F
    (5000, 5300, 41),  # G
    (10000, 0, 5),  # H
]
#: Observed counts, rows 0–100 / 101–200 / 201–400 m, columns 0–7 / 8–14 / 15–28 days.
EIGHT_OBSERVED = [[1, 0, 0], [2, 1, 0], [0, 1, 2]]


def test_observed_pairs_on_eight_incidents() -> None:
    result = knox_test(frame(EIGHT), permutations=0)
    assert list(result.table.columns) == list(COLUMNS)
    assert result.table["observed"].tolist() == [c for row in EIGHT_OBSERVED for c in row]
    assert result.n_pairs == 9  # the nine pairs listed above are within 400 m
    assert result.table["space_from"].tolist() == [0] * 3 + [101] * 3 + [201] * 3
    assert result.table["time_to"].tolist() == [7, 14, 28] * 3
    assert result.table["expected"].isna().all()  # no permutations: n/a, not 0


def brute_counts(points: list[tuple[float, float, int]], days: tuple[int, ...]) -> np.ndarray:
    """Band counts by a plain double loop (independent of the module's KD-tree and digitize)."""
    space, time = (100, 200, 400), (7, 14, 28)
    out = np.zeros((3, 3))
    for a, b in itertools.combinations(range(len(points)), 2):
        d = math.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1])
        gap = abs(days[a] - days[b])
        s = next((k for k, e in enumerate(space) if d <= e), None)
        t = next((k for k, e in enumerate(time) if gap <= e), None)
        if s is not None and t is not None:
            out[s, t] += 1
    return out


def test_expected_is_the_exact_permutation_mean() -> None:
    points = [(0, 0, 0), (60, 0, 4), (0, 180, 12), (250, 0, 20), (90, 90, 30)]
    days = tuple(p[2] for p in points)
    perms = list(itertools.permutations(days))
    exact = sum(brute_counts(points, p) for p in perms) / len(perms)  # 120 orderings, all of them
    result = knox_test(frame(points), permutations=20_000, seed=7)
    got = result.table["expected"].to_numpy().reshape(3, 3)
    # Monte Carlo mean of at most 10 pairs per band: standard error under 0.02 at 20,000 shuffles.
    assert got == pytest.approx(exact, abs=0.06)
    assert result.table["observed"].to_numpy().reshape(3, 3).tolist() == brute_counts(points, days).tolist()


def test_p_value_is_a_permutation_rank() -> None:
    result = knox_test(frame(EIGHT), permutations=9, seed=3)
    p = result.table["p"]
    assert ((p * 10).round(9) % 1 == 0).all()  # (1 + k) / (9 + 1)
    assert p.min() >= 0.1 and p.max() <= 1.0


def test_same_seed_same_result() -> None:
    a = knox_test(frame(EIGHT), permutations=50, seed=11).table
    b = knox_test(frame(EIGHT), permutations=50, seed=11).table
    pd.testing.assert_frame_equal(a, b)


def test_planted_pattern_found() -> None:
    result = knox_test(near_repeat_burglaries())
    first = result.table.iloc[0]  # 0–100 m, 0–7 days
    assert first["knox_ratio"] > 2
    assert first["p"] == pytest.approx(0.001)  # no shuffle reached the observed count
    hit = strongest(result)
    assert hit is not None and (hit["space_to"], hit["time_to"]) == (100, 7)


def test_random_pattern_not_found() -> None:
    result = knox_test(near_repeat_burglaries(repeat_share=0.0))
    first = result.table.iloc[0]
    assert first["p"] > 0.05
    assert strongest(result) is None


def test_rows_without_date_or_location_left_out() -> None:
    f = frame(EIGHT)
    f.loc[0, "date"] = pd.NaT
    f.loc[1, "x"] = np.nan
    result = knox_test(f, permutations=0)
    assert result.n_incidents == 6
    assert "2 incidents" in result.notes[0]


def test_unavailable_without_days() -> None:
    f = frame(EIGHT * 2)
    f["date"] = pd.NaT  # as police.uk rows, or a force extract with a month column only
    police = str(unavailable_reason(f, policeuk=True))
    assert "months only" in police and "snapped" in police
    force = str(unavailable_reason(f, policeuk=False))
    assert "months only" in force and "snapped" not in force
    assert unavailable_reason(frame(EIGHT * 2), policeuk=False) is None
    assert "fewer than 10" in str(unavailable_reason(frame(EIGHT), policeuk=False))


def test_bad_bands_rejected() -> None:
    with pytest.raises(ValueError, match="--space: expected increasing"):
        parse_edges("200,100", what="--space")
    with pytest.raises(ValueError, match="--time: expected comma-separated whole numbers"):
        parse_edges("7,x", what="--time")
    with pytest.raises(ValueError, match="permutations: expected 0 or more"):
        knox_test(frame(EIGHT), permutations=-1)


def test_partner_safe_suppresses_small_observed_and_its_ratio() -> None:
    table = pd.DataFrame(
        {"space_from": [0, 101], "space_to": [100, 200], "time_from": [0, 0], "time_to": [7, 7],
         "observed": [3, 12], "expected": [1.5, 6.0], "knox_ratio": [2.0, 2.0], "p": [0.2, 0.01]}
    )
    safe = safe_table(table, 5)
    assert safe["observed"].tolist() == ["<5", 12]
    assert safe["knox_ratio"].tolist() == ["<5", 2.0]
    assert safe["space_to"].tolist() == [100, 200]  # band edges are not counts
    assert safe["expected"].tolist() == [1.5, 6.0]


def test_view_table_words_and_heat_colours() -> None:
    from csp_data.hotspots.nearrepeat import heat_style, ratio_colour, view_colours, view_table

    table = pd.DataFrame(
        {"space_from": [0, 101], "space_to": [100, 200], "time_from": [0, 8], "time_to": [7, 14],
         "observed": [1234, 3], "expected": [500.04, 0.0], "knox_ratio": [2.4678, float("nan")], "p": [0.001, float("nan")]}
    )
    shown = view_table(table)
    assert shown.iloc[0].tolist() == ["0–100 m", "0–7 days", "1,234", "500.0", "2.47", "0.001"]
    assert shown.iloc[1].tolist() == ["101–200 m", "8–14 days", "3", "0.0", "n/a", "n/a"]
    # 2.47 lies between the 2.0 and 3.0 cut-points: the third orange (#e08214, black text); 1.0 is neutral
    assert heat_style("2.47", view_colours(table)) == "background-color: #e08214; color: #000000"
    assert heat_style("n/a", view_colours(table)) == ""
    assert ratio_colour(1.0) == "#f7f7f7" and ratio_colour(3.5) == "#b35806" and ratio_colour(0.3) == "#4393c3"
