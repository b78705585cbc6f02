"""A demo with a planted near-repeat pattern: burglaries, some followed by others next door within days.

The shipped demo borough's burglaries have none (each is drawn on its own), which is the honest null
case. This generator gives the positive case, for the tests, the benchmark and the Near repeats page's
"planted example" on the demo: ``n_seed`` burglaries spread over a square of ``side`` metres and
``days`` days, and after a share of them (``repeat_share``) 1 to 3 more within ``radius`` metres and
``max_lag`` days. With ``repeat_share=0`` it is the random (null) case. Every number is invented.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

#: Where the planted example starts (south-west corner of its square, EPSG:27700 metres; near the demo borough) and when.
ORIGIN: Final = (500_000.0, 200_000.0)
START: Final = pd.Timestamp("2025-11-01")


def near_repeat_burglaries(
    *,
    seed: int = 2024,
    n_seed: int = 400,
    side: float = 8_000.0,
    days: int = 365,
    repeat_share: float = 0.1,
    radius: float = 200.0,
    max_lag: int = 7,
) -> pd.DataFrame:
    """Synthetic burglaries (``crime_id, date, x, y, crime_type``), sorted by date.

    Parameters
    ----------
    seed
        Seeds one numpy Generator: the same arguments give the same frame.
    n_seed
        Burglaries placed uniformly at random in space and time.
    repeat_share
        Share of those followed by 1–3 near repeats, each within ``radius`` m (uniform in the disc) and
        1 to ``max_lag`` days later. 0 gives the random case with no pattern.
    """
    rng = np.random.default_rng(seed)
    x = ORIGIN[0] + rng.uniform(0, side, n_seed)
    y = ORIGIN[1] + rng.uniform(0, side, n_seed)
    day = rng.integers(0, days, n_seed)
    repeat = rng.random(n_seed) < repeat_share
    k = np.where(repeat, rng.integers(1, 4, n_seed), 0)
    src = np.repeat(np.arange(n_seed), k)
    r = radius * np.sqrt(rng.random(len(src)))
    angle = rng.uniform(0, 2 * np.pi, len(src))
    rx = x[src] + r * np.cos(angle)
    ry = y[src] + r * np.sin(angle)
    rday = day[src] + rng.integers(1, max_lag + 1, len(src))
    all_day = np.concatenate([day, rday])
    frame = pd.DataFrame(
        {
            "date": START + pd.to_timedelta(all_day, unit="D"),
            "x": np.round(np.concatenate([x, rx])),
            "y": np.round(np.concatenate([y, ry])),
            "crime_type": "Burglary",
        }
    )
    frame = frame.sort_values("date", kind="stable", ignore_index=True)
    frame.insert(0, "crime_id", [f"NR-{i + 1:05d}" for i in range(len(frame))])
    return frame
