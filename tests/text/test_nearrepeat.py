"""The near-repeat sentences."""

from __future__ import annotations

import pandas as pd

from csp_data.hotspots.nearrepeat import COLUMNS, KnoxResult
from csp_data.text.nearrepeat import knox_sentence, unavailable_sentence


def result(rows: list[tuple[int, int, int, int, int, float, float, float]]) -> KnoxResult:
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return KnoxResult(table=table, space=(100.0, 200.0), time=(7,), permutations=999, seed=1, n_incidents=250, n_pairs=40)


def test_sentence_names_the_closest_significant_band() -> None:
    r = result([(0, 100, 0, 7, 5, 4.9, 1.02, 0.4), (101, 200, 0, 7, 23, 10.0, 2.3, 0.001)])
    assert knox_sentence(r, "Burglary") == (
        "Burglaries 101–200 m and within 7 days of another were 2.3 times as common as chance would give; p = 0.001."
    )


def test_sentence_when_nothing_found() -> None:
    r = result([(0, 100, 0, 7, 5, 4.9, 1.02, 0.4), (101, 200, 0, 7, 2, 5.0, 0.4, 0.9)])
    text = knox_sentence(r, "Vehicle crime")
    assert text.startswith("No distance and time band had more pairs of vehicle crime incidents than chance")
    assert "250 vehicle crime incidents" in text


def test_unavailable_sentence() -> None:
    assert unavailable_sentence("the data has months only.").startswith("Near-repeat test n/a: ")
