"""Benchmark stages of the dataset library (issue 13, item 6), run by benchmarks.run in subprocesses:

* ``library_herts``: ``python -m csp_data import`` of the 13 Hertfordshire months
  (../shared/data/real/policeuk) into a fresh data folder, through the CLI as cron runs it; wall
  time, rows, rows/s and the child's peak memory;
* ``library_import``: the same on a generated archive (``--library-scales``: 20M in a full run,
  60M for "ten years of England and Wales"; target >= 1M rows/s, peak memory < 4 GB);
* ``library_open``: re-opening a dataset of the library in a fresh process (``Library.open``,
  target < 2 s; < 3 s at 60M), its rows and peak memory.

:func:`library_lines` renders them for RESULTS.md. Results are recorded even where a target is missed.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
TMP = BENCH / "tmp"
REAL_POLICEUK = ROOT.parent / "shared" / "data" / "real" / "policeuk"
HERTS = "herts"
TARGET_ROWS_PER_S = 1_000_000
TARGET_MEMORY_MB = 4096
TARGET_OPEN_S = 2.0
TARGET_OPEN_60M_S = 3.0


def library_dir(label: str) -> Path:
    return TMP / "library" / label


def _child_maxrss_mb() -> float:
    """Peak resident memory of the largest waited-for child, MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cli_import(source: Path, label: str, dataset: str) -> dict[str, Any]:
    """``python -m csp_data import --data-dir DIR --dataset NAME SOURCE`` into a fresh data folder."""
    from csp_data.io.library import Library

    if not source.exists():
        return {"skipped": f"{source} not found"}
    data_dir = library_dir(label)
    shutil.rmtree(data_dir, ignore_errors=True)
    cmd = [sys.executable, "-m", "csp_data", "import", "--data-dir", str(data_dir), "--dataset", dataset, str(source)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [f"exit {proc.returncode}"]}
    summary = Library(data_dir).summary(dataset)
    rows = int(summary.rows or 0)
    return {
        "rows": rows,
        "months": len(summary.months),
        "wall_s": wall,
        "rows_per_s": rows / wall if wall > 0 else None,
        "maxrss_mb": _child_maxrss_mb(),
        "load_before": os.getloadavg()[0],
    }


def stage_library_herts() -> dict[str, Any]:
    """The 13 real Hertfordshire months through the CLI ``import``."""
    return cli_import(REAL_POLICEUK, "herts", HERTS)


def stage_library_import(source: Path, scale: str) -> dict[str, Any]:
    """A generated archive (``benchmarks/data/<scale>``) through the CLI ``import``."""
    return cli_import(source, scale, "national")


def stage_library_open(label: str, dataset: str) -> dict[str, Any]:
    """Open a dataset the import stage left (this process is fresh: nothing is cached; the caller adds
    this process's peak memory)."""
    from csp_data.io.library import Library
    from csp_data.io.library_disk import read_manifest
    from csp_data.io.store import counts_of_parts

    data_dir = library_dir(label)
    library = Library(data_dir)
    if dataset not in library.names():
        return {"skipped": f"no dataset {dataset!r} in {data_dir} (its import stage did not run)"}
    # The app opens one partnership of a national dataset (its sidebar picks one); the first by name.
    manifest = read_manifest(library.folder(dataset)) or {"parts": []}
    recorded = counts_of_parts(manifest["parts"]) if dataset != HERTS else None
    partnership = recorded[1][0] if recorded and recorded[1] else None
    t0 = time.perf_counter()
    opened = library.open(dataset, partnership=partnership)
    wall = time.perf_counter() - t0
    return {"rows": len(opened.incidents), "months": len(opened.months), "wall_s": wall,
            "partnership": partnership or "all"}


def library_lines(library: dict[str, Any]) -> list[str]:
    """The RESULTS.md section of the library stages (empty when none ran)."""
    if not library:
        return []
    out = [
        "## Dataset library (issue 13)", "",
        "`python -m csp_data import` into a fresh data folder (a subprocess, as cron runs it), then "
        "`Library.open` in a new process.", "",
        "| run | rows | months | import s | rows/s | import peak MB | open s | open peak MB | targets |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, entry in library.items():
        imp, opened = entry.get("import") or {}, entry.get("open") or {}
        if imp.get("skipped") or imp.get("error"):
            out.append(f"| {label} | {imp.get('skipped') or imp.get('error')} | | | | | | | |")
            continue
        open_target = TARGET_OPEN_60M_S if label == "60M" else TARGET_OPEN_S
        rate_ok = label == "herts" or (imp.get("rows_per_s") or 0) >= TARGET_ROWS_PER_S
        mem_ok = max(imp.get("maxrss_mb") or 0, opened.get("maxrss_mb") or 0) < TARGET_MEMORY_MB
        open_ok = (opened.get("wall_s") or 1e9) < open_target
        verdict = "met" if rate_ok and mem_ok and open_ok else "**missed**"
        out.append(
            f"| {label} | {imp.get('rows', 0):,} | {imp.get('months', '')} | {imp.get('wall_s', 0):.1f} | "
            f"{(imp.get('rows_per_s') or 0):,.0f} | {imp.get('maxrss_mb', 0):,.0f} | "
            f"{opened.get('wall_s', float('nan')):.2f} | {opened.get('maxrss_mb', float('nan')):,.0f} | {verdict} |"
        )
    out += [
        "",
        f"Targets: import >= {TARGET_ROWS_PER_S:,} rows/s on the generated archives (not the 13 real months, "
        f"which are too few to measure a rate), peak memory < {TARGET_MEMORY_MB:,} MB, open < {TARGET_OPEN_S:g} s "
        f"(< {TARGET_OPEN_60M_S:g} s at 60M).",
        "",
    ]
    return out
