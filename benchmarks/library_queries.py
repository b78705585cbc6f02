"""Page queries as the app runs them on one partnership of a library dataset (issue 13, item 6): open the
partnership (``Library.open``), build the engine over its incidents as ``ui.cache.get_engine`` does, then
time ``benchmarks.run``'s page queries (median of 7 warm runs).

Usage: ``PYTHONPATH=. python benchmarks/library_queries.py DATA_DIR PARTNERSHIP`` (the dataset ``national``
that ``python -m csp_data import --data-dir DATA_DIR --dataset national ARCHIVE`` wrote). Prints JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

import benchmarks.run as bench
from csp_data.engine import Engine
from csp_data.io.library import Library
from csp_data.periods import rolling_12


def main(data_dir: str, partnership: str) -> dict[str, object]:
    t0 = time.perf_counter()
    dataset = Library(Path(data_dir)).open("national", partnership=partnership)
    open_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine = Engine.from_frame(dataset.incidents)
    engine_s = time.perf_counter() - t0
    period = rolling_12(pd.Timestamp(dataset.latest_month))
    comparison = period.previous()
    x, y = (dataset.incidents[c].astype(float).dropna() for c in ("x", "y"))
    name = dataset.partnership or partnership
    params = {
        "partnership": name, "msg": [name],
        "period": [str(period.start.date()), str(period.end.date())],
        "comparison": [str(comparison.start.date()), str(comparison.end.date())],
        "bbox": [float(x.min()), float(y.min()), float(x.max()), float(y.max())], "cell_size": 200.0,
    }
    p50 = {}
    for query, run in bench._queries(engine, params, engine=True).items():
        run()
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            run()
            times.append(time.perf_counter() - t0)
        p50[query] = round(statistics.median(times) * 1000, 1)
    return {"open_s": round(open_s, 2), "engine_s": round(engine_s, 2), "rows": len(dataset.incidents), "p50_ms": p50}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
