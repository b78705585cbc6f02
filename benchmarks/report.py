"""Write benchmarks/RESULTS.md from the measurements of benchmarks.run (also re-runnable on its JSON:
``python -m benchmarks.report benchmarks/tmp/results.json benchmarks/RESULTS.md``)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from benchmarks.library_stages import library_lines
from benchmarks.targets import (
    PAGES,
    QUERY_LABELS,
    TARGET_BRIEF_MB,
    TARGET_BRIEF_S,
    TARGET_FILTER_S,
    TARGET_FIRST_PAINT_S,
    TARGET_IMPORT_RPS,
    TARGET_MEMORY_MB,
    TARGET_QUERY_S,
    TARGET_SPEEDUP,
)


def _s(v: float | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if v < 0.01:
        return f"{v * 1000:.1f} ms"
    if v < 1:
        return f"{v * 1000:.0f} ms"
    return f"{v:.2f} s"


def _n(v: float | None, digits: int = 0) -> str:
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def _mb(v: float | None) -> str:
    return "–" if v is None else f"{v:,.0f} MB"


def _kb(v: float | None) -> str:
    return "–" if v is None else f"{v / 1024:,.0f} KB"


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def _ratio(entry: dict[str, Any], name: str) -> str:
    try:
        e = entry["engine"]["queries"][name]["warm_s"]
        b = entry["baseline"]["queries"][name]["warm_s"]
    except (KeyError, TypeError):
        return "–"
    return f"{b / e:.1f}×" if e > 0 else "–"


def write_results(results: dict[str, Any], out: Path) -> None:
    """Render the results (see benchmarks.run) as Markdown to ``out``."""
    m = results["machine"]
    lines: list[str] = []
    add = lines.append
    add("# Benchmark results")
    add("")
    add("Written by `make bench` (`python -m benchmarks.run`); do not edit by hand, re-run it. How the")
    add("engine works and what each number means: [docs/performance.md](../docs/performance.md).")
    add("")
    add("## Machine")
    add("")
    add(f"- Date: {m['date']}")
    add(f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gb']:.1f} GB; {m['os']}")
    add(f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()))
    add(f"- Browser: {m['chromium']}")
    load = m.get("load_start"), m.get("load_end")
    add(
        f"- Load average (1/5/15 min) at start {tuple(round(x, 2) for x in load[0]) if load[0] else '–'}, "
        f"at end {tuple(round(x, 2) for x in load[1]) if load[1] else '–'}: the machine's 2 cores are shared "
        "with other work, so wall-clock times are upper bounds; CPU seconds are given for the import."
    )
    add(f"- Warm = best of {results['repeats']} repeats after the first (cold) run in a fresh process.")
    add("")

    scales = results["scales"]
    # ---------------------------------------------------------------- import
    add("## (a) Import throughput")
    add("")
    add(
        "| scale | rows | files | CSV | Parquet | fast import | rows/s (wall) | CPU s | rows per CPU-s "
        "| peak RSS | `load_policeuk_reference` (pandas oracle) | rows/s | speed-up |"
    )
    add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for scale, e in scales.items():
        imp = e.get("import", {})
        if "error" in imp:
            add(f"| {scale} | error: {imp['error']} |||||||||||")
            continue
        base = e.get("import_baseline") or {}
        rps = imp["rows"] / imp["wall_s"]
        brps = base["rows"] / base["wall_s"] if "wall_s" in base else None
        add(
            f"| {scale} | {_n(imp['rows'])} | {_n(imp['files'])} | {_n(imp['csv_mb'])} MB | {_n(imp['parquet_mb'])} MB "
            f"| {_s(imp['wall_s'])} | {_n(rps)} | {imp['cpu_s']:.1f} | {_n(imp['rows'] / imp['cpu_s'])} "
            f"| {_mb(imp['maxrss_mb'])} | {_s(base.get('wall_s'))} | {_n(brps)} "
            f"| {f'{rps / brps:.1f}×' if brps else '–'} |"
        )
    add("")
    runs = [
        f"{sc}: "
        + ", ".join(
            f"{_s(w)} (load {ld:.1f})"
            for w, ld in zip(e["import"]["runs_wall_s"], e["import"].get("load_before", []), strict=False)
        )
        for sc, e in scales.items()
        if e.get("import", {}).get("runs_wall_s")
    ]
    if runs:
        add(
            "The fast import runs twice per scale (once with --quick) and the fastest run is shown (the machine "
            "is shared); wall "
            "times of the runs, with the 1-minute load average before each: " + "; ".join(runs) + "."
        )
        add("")
    add(
        "`load_policeuk_reference` (tests/oracles) is the old pandas loader (one file at a time); it is timed at the scales "
        "given by `--baseline-import` (default 1M): above that it takes minutes and holds every row as "
        "Python-level pandas strings. The fast import's output is checked equal to it in tests/test_engine.py."
    )
    add("")

    # ---------------------------------------------------------------- queries
    add("## (b) Queries, (d) pandas baseline and equality")
    add("")
    add(
        "Engine: DuckDB over the Parquet file (`Engine.from_parquet`, 2 threads). Baseline: the same "
        "`csp_data.aggregate` call with `engine=None`, i.e. plain pandas on the incidents frame read from "
        "the same Parquet file (load time shown separately). Ratio = baseline warm / engine warm, measured "
        "in the same run; *equal* = `pandas.testing.assert_frame_equal` on the two results."
    )
    add("")
    for scale, e in scales.items():
        eng, base = e.get("engine", {}), e.get("baseline", {})
        add(f"### {scale}")
        add("")
        if "error" in eng:
            add(f"Engine stage failed: `{eng['error']}`")
            add("")
            continue
        p = eng["params"]
        add(
            f"Partnership: {p['partnership']} (the busiest); period {p['period'][0][:7]} to {p['period'][1][:7]} "
            f"vs {p['comparison'][0][:7]} to {p['comparison'][1][:7]}; Gi* cell size {p['cell_size']:.0f} m. "
            f"Engine open {_s(eng['open_s'])}, peak RSS {_mb(eng['maxrss_mb'])}; "
            + (
                f"baseline frame load {_s(base.get('load_s'))}, peak RSS {_mb(base.get('maxrss_mb'))}."
                if "error" not in base
                else f"baseline failed: `{base['error']}`."
            )
        )
        add("")
        add("| query | engine cold | engine warm | pandas cold | pandas warm | ratio | equal | result rows |")
        add("|---|---:|---:|---:|---:|---:|:-:|---:|")
        for name, q in eng["queries"].items():
            if name.startswith("_"):
                continue
            b = base.get("queries", {}).get(name, {})
            ratio = b["warm_s"] / q["warm_s"] if b.get("warm_s") and q["warm_s"] > 0 else None
            eq = {True: "yes", False: "**NO**"}.get(b.get("equal"), "–")
            add(
                f"| {QUERY_LABELS.get(name, name)} | {_s(q['cold_s'])} | {_s(q['warm_s'])} | {_s(b.get('cold_s'))} "
                f"| {_s(b.get('warm_s'))} | {f'{ratio:.1f}×' if ratio else '–'} | {eq} | {_n(q['rows'])} |"
            )
        diffs = [f"{k}: {v['difference']}" for k, v in base.get("queries", {}).items() if v.get("difference")]
        for d in diffs:
            add(f"\nDifference: `{d}`")
        add("")
        if "_gistar_statistic" in eng["queries"]:
            add(
                f"Of the Gi* time, esda's `G_Local` on the {eng['queries']['gistar']['rows']:,} cells (fixed counts, "
                f"no counting) takes {_s(eng['queries']['_gistar_statistic']['warm_s'])} warm on either path."
            )
            add("")
        add("| page | its queries | engine warm, total | target < 1 s |")
        add("|---|---|---:|:-:|")
        for page, names in PAGES.items():
            total = sum(eng["queries"][n]["warm_s"] for n in names if n in eng["queries"])
            add(f"| {page} | {', '.join(names)} | {_s(total)} | {_verdict(total < TARGET_QUERY_S)} |")
        add("")

    # ---------------------------------------------------------------- memory
    add("## (c) Peak memory (max RSS of each stage's process)")
    add("")
    add("| scale | fast import | engine queries | pandas baseline (frame + queries) | `load_policeuk_reference` |")
    add("|---|---:|---:|---:|---:|")
    for scale, e in scales.items():
        add(
            f"| {scale} | {_mb(e.get('import', {}).get('maxrss_mb'))} | {_mb(e.get('engine', {}).get('maxrss_mb'))} "
            f"| {_mb(e.get('baseline', {}).get('maxrss_mb'))} | {_mb((e.get('import_baseline') or {}).get('maxrss_mb'))} |"
        )
    add("")

    # ---------------------------------------------------------------- browser
    br = results.get("browser")
    add("## (e) End to end in headless Chromium (demo dataset)")
    add("")
    if not br:
        add("Not run (`--no-browser`).")
    elif "error" in br:
        add(f"Not measured: `{br['error']}`")
    else:
        cold = br["cold_first_visit"]
        if "load_before" in br:
            add(f"1-minute load average before this part: {br['load_before']:.1f}.")
            add("")
        add(
            f"First visit after the server starts (the demo dataset is built and cached): first contentful "
            f"paint {_n(cold['fcp_ms'])} ms, first content {_s(cold['content_s'])}, page ready "
            f"{_s(cold['ready_s'])}."
        )
        add("")
        apptest = results.get("apptest") or {}
        add(
            "| page | first contentful paint | first content | ready (charts drawn) | filter → updated page "
            "(3 changes) | of which server rerun | websocket in | static assets (HTTP) | charts/maps/tables |"
        )
        add("|---|---:|---:|---:|---|---|---:|---:|---:|")
        for page, r in br["pages"].items():
            changes = r.get("filter_to_chart_s")
            ch = ", ".join(_s(c) for c in changes) if changes else "–"
            server = (apptest.get(page) or {}).get("rerun_s")
            sv = ", ".join(_s(c) for c in server) if server else "–"
            add(
                f"| {page} | {_n(r['fcp_ms'])} ms | {_s(r['content_s'])} | {_s(r['ready_s'])} | {ch} | {sv} "
                f"| {_kb(r['ws_in_bytes'])} | {_kb(r['http_bytes'])} | {r['visuals']} |"
            )
        add("")
        add(
            "First contentful paint is the browser's own measure (Streamlit's frame); *ready* is until the "
            "script has finished and the first chart, map or table is in the page. *Filter → updated page*: "
            "from choosing a crime group in the sidebar to the end of the rerun plus two animation frames. "
            "*Of which server rerun*: the same three changes run by Streamlit's AppTest without a browser, "
            "i.e. the page script's own time on the server. "
            "Websocket bytes are the page's data (the payload bound of docs/performance.md); static assets "
            "are Streamlit's JavaScript and CSS, the same for every page (cached by a real browser)."
        )
    add("")

    # ---------------------------------------------------------------- national app
    add('## (f) The app on a national dataset (`store = "parquet"`)')
    add("")
    add(
        "`build_dataset` on a config naming the whole generated archive with `store = \"parquet\"` (README, "
        "*Large datasets*): the police.uk files are imported once to a Parquet store, only the partnership's "
        "rows are read into pandas, and the comparator counts of every partnership come from DuckDB. "
        "*Cold*: no store yet (import + read + comparators); *warm*: a new process finding the store; "
        "*in memory*: `store = \"memory\"`, every row read into pandas by `load_policeuk` (timed at the "
        "`--baseline-import` scales only). Each in its own process; peak RSS is that process's."
    )
    add("")
    add("| scale | partnership (rows) | cold open | of which import | peak RSS | warm open | peak RSS | in memory | peak RSS |")
    add("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for scale, e in scales.items():
        cold, warm, mem = e.get("open_cold") or {}, e.get("open_warm") or {}, e.get("open_memory") or {}
        if not cold and not warm:
            continue
        who = f"{cold.get('partnership', warm.get('partnership', '?'))} ({_n(cold.get('partnership_rows', warm.get('partnership_rows')))})"
        add(
            f"| {scale} | {who} | {_s(cold.get('wall_s'))} | {_s(cold.get('import_s'))} | {_mb(cold.get('maxrss_mb'))} "
            f"| {_s(warm.get('wall_s'))} | {_mb(warm.get('maxrss_mb'))} | {_s(mem.get('wall_s'))} | {_mb(mem.get('maxrss_mb'))} |"
        )
    add("")
    app = next((e["app_national"] for e in scales.values() if (e.get("app_national") or {}).get("pages")), None)
    app_scale = next((sc for sc, e in scales.items() if (e.get("app_national") or {}).get("pages")), None)
    if app:
        add(
            f"The app at {app_scale} (Streamlit AppTest, server side, no browser): the first run of app.py in a fresh "
            f"process, which opens the dataset from the store, took {_s(app.get('first_run_s'))}; peak RSS "
            f"{_mb(app.get('maxrss_mb'))}."
        )
        add("")
        add("| page | first run | filter reruns (3 crime groups) | errors |")
        add("|---|---:|---|---|")
        for page, r in app["pages"].items():
            reruns = ", ".join(_s(t) for t in r.get("rerun_s", []))
            add(f"| {page} | {_s(r.get('page_s'))} | {reruns} | {'; '.join(r.get('errors') or []) or 'none'} |")
        add("")
        add(
            "The partnership's areas are made-up LSOA polygons (Voronoi cells of its LSOAs' map points, "
            "`benchmarks.generate.lsoa_boundaries`), without populations, so rates are shown as unavailable."
        )
        add("")

    # ---------------------------------------------------------------- briefing pack
    bp = results.get("brief")
    add("## (g) Briefing pack (demo dataset)")
    add("")
    if not bp:
        add("Not run.")
    elif "error" in bp:
        add(f"Not measured: `{bp['error']}`")
    else:
        mb = bp["html_bytes"] / 1e6
        add("| part | time | size | target |")
        add("|---|---:|---:|:-:|")
        add(f"| build + HTML | {_s(bp['build_s'])} (CPU {_s(bp['build_cpu_s'])}) | {mb:.2f} MB | "
            f"{_verdict(bp['build_s'] < TARGET_BRIEF_S and mb < TARGET_BRIEF_MB)} |")
        if "pdf_s" in bp:
            total = bp["build_s"] + bp["pdf_s"]
            pdf_mb = bp["pdf_bytes"] / 1e6
            add(f"| PDF print (Chromium) | {_s(bp['pdf_s'])} (build + PDF {_s(total)}) | {pdf_mb:.2f} MB | "
                f"{_verdict(total < TARGET_BRIEF_S and pdf_mb < TARGET_BRIEF_MB)} |")
        add("")
        add(f"Targets: under {TARGET_BRIEF_S:g} s and under {TARGET_BRIEF_MB:g} MB. 1-minute load average before: "
            f"{bp.get('load_before', float('nan')):.1f}; peak RSS {_mb(bp.get('maxrss_mb'))}.")
    add("")

    # ---------------------------------------------------------------- near repeats
    nr = results.get("nearrepeat")
    add("## (h) Near-repeat Knox test (issue 17)")
    add("")
    if not nr:
        add("Not run.")
    elif "error" in nr:
        add(f"Not measured: `{nr['error']}`")
    else:
        add(f"{nr['incidents']:,} incidents, {nr['pairs']:,} pairs within 400 m (KD-tree {_s(nr['pairs_s'])}); "
            f"999 permutations: {_s(nr['total_s'])} in all (CPU {_s(nr['total_cpu_s'])}), "
            f"{nr['per_permutation_ms']:.1f} ms per permutation; 1-minute load average before "
            f"{nr.get('load_before', float('nan')):.1f}; peak RSS {_mb(nr.get('maxrss_mb'))}.")
    add("")

    # ---------------------------------------------------------------- county view
    cv = results.get("county")
    add("## (i) County view (issue 17)")
    add("")
    if not cv:
        add("Not run.")
    elif "error" in cv:
        add(f"Not measured: `{cv['error']}`")
    else:
        add(f"{cv['data']}: {cv['partnerships']} partnerships, {cv['months']} months of comparator rows. One rerun "
            f"(rates, ranks in every crime group, who moved most) for a crime-group change: median {_s(cv['rerun_s'])}, "
            f"max {_s(cv['rerun_max_s'])} over {cv['reruns']} groups (target < 1 s: "
            f"{_verdict(cv['rerun_max_s'] < 1.0)}); 1-minute load average before {cv.get('load_before', float('nan')):.1f}; "
            f"peak RSS {_mb(cv.get('maxrss_mb'))}.")
    add("")

    # ---------------------------------------------------------------- targets
    add("## Targets (issue 6)")
    add("")
    add("| target | measured | verdict |")
    add("|---|---|---|")
    biggest = list(scales)[-1] if scales else None
    notes: list[str] = []
    if biggest:
        e = scales[biggest]
        eng, base, imp = e.get("engine", {}), e.get("baseline", {}), e.get("import", {})
        if "queries" in eng:
            worst_page = max(
                PAGES,
                key=lambda pg: sum(eng["queries"][n]["warm_s"] for n in PAGES[pg] if n in eng["queries"]),
            )
            worst = sum(eng["queries"][n]["warm_s"] for n in PAGES[worst_page] if n in eng["queries"])
            add(
                f"| every page's queries < {TARGET_QUERY_S:g} s warm at {biggest} | slowest page {worst_page}: "
                f"{_s(worst)} | {_verdict(worst < TARGET_QUERY_S)}"
                + ("" if worst < TARGET_QUERY_S else f" by {_s(worst - TARGET_QUERY_S)}")
                + " |"
            )
            if worst >= TARGET_QUERY_S:
                notes.append(
                    f"Page queries: {worst_page} needs {_s(worst)} warm at {biggest}; see the per-query table "
                    "for which query dominates."
                )
        if "wall_s" in imp:
            rps = imp["rows"] / imp["wall_s"]
            cpu_rps = imp["rows"] / imp["cpu_s"] * 2
            add(
                f"| import ≥ {TARGET_IMPORT_RPS:,} rows/s at {biggest} | {_n(rps)} rows/s wall "
                f"({_n(cpu_rps)} rows/s if both cores were free: rows per CPU-second × 2) | {_verdict(rps >= TARGET_IMPORT_RPS)}"
                + ("" if rps >= TARGET_IMPORT_RPS else f" by {(1 - rps / TARGET_IMPORT_RPS) * 100:.0f}%")
                + " |"
            )
            walls = imp.get("runs_wall_s") or []
            if rps >= TARGET_IMPORT_RPS and walls and imp["rows"] / max(walls) < TARGET_IMPORT_RPS:
                notes.append(
                    f"Import: the target is met by the faster of {len(walls)} runs only ("
                    + ", ".join(
                        f"{_n(imp['rows'] / w)} rows/s at load {ld:.1f}"
                        for w, ld in zip(walls, imp.get("load_before", []), strict=False)
                    )
                    + f"); at {imp['cpu_s'] / imp['rows'] * 1e6:.2f} CPU-seconds per million rows it needs "
                    "most of both cores, so on this shared machine the figure swings with other work."
                )
            if rps < TARGET_IMPORT_RPS:
                load = m.get("load_start") or (0, 0, 0)
                notes.append(
                    f"Import: {imp['cpu_s'] / imp['rows'] * 1e6:.2f} CPU-seconds per million rows (parsing the "
                    "CSV text, cleaning and mapping the strings, the Parquet encoder), and "
                    f"{imp['cpu_s'] / imp['wall_s']:.2f} of the 2 cores busy on average although files are "
                    "parsed on 2 threads, batches transformed on 2 and Parquet encoded on another: other work "
                    f"on the shared machine (1-minute load average {max(imp.get('load_before') or [load[0]]):.1f} "
                    "before the import) took the rest. "
                    + (
                        f"With both cores to itself and perfect overlap the same CPU cost would allow about "
                        f"{_n(cpu_rps)} rows/s, just above the target, so on a dedicated 2-core machine the "
                        "target is within reach, but this run does not show it."
                        if cpu_rps >= TARGET_IMPORT_RPS
                        else f"Even with both cores free and perfect overlap the CPU cost caps the import near "
                        f"{_n(cpu_rps)} rows/s, so the target needs less work per row (the 64-character Crime "
                        "IDs alone are a third of the bytes) or more cores, not more threads."
                    )
                )
        peaks = [
            (label, e.get(stage, {}).get("maxrss_mb"))
            for label, stage in (("import", "import"), ("engine", "engine"))
        ]
        worst_mem = max((v for _, v in peaks if v is not None), default=None)
        if worst_mem is not None:
            add(
                f"| peak memory < {TARGET_MEMORY_MB / 1024:g} GB at {biggest} (import and engine) | "
                + ", ".join(f"{k} {_mb(v)}" for k, v in peaks)
                + f" | {_verdict(worst_mem < TARGET_MEMORY_MB)} |"
            )
            if base.get("maxrss_mb"):
                notes.append(
                    f"The pandas baseline needs {_mb(base['maxrss_mb'])} at {biggest} for the same queries "
                    "(the incidents frame in memory); the engine path never loads the rows into pandas."
                )
        if "queries" in eng and "queries" in base:
            ratios = {
                n: base["queries"][n]["warm_s"] / eng["queries"][n]["warm_s"]
                for n in eng["queries"]
                if n in base["queries"]
                and n != "gistar"
                and not n.startswith("_")
                and eng["queries"][n]["warm_s"] > 0
            }
            if ratios:
                low = min(ratios, key=lambda k: ratios[k])
                add(
                    f"| ≥ {TARGET_SPEEDUP:g}× faster than pandas on the aggregations at {biggest} | lowest "
                    f"{ratios[low]:.1f}× ({low}), highest {max(ratios.values()):.1f}× | "
                    f"{_verdict(ratios[low] >= TARGET_SPEEDUP)} |"
                )
                below = {k: v for k, v in ratios.items() if v < TARGET_SPEEDUP}
                if below:
                    trend = "; ".join(
                        f"{k}: "
                        + " → ".join(
                            f"{sc} {_ratio(e2, k)}" for sc, e2 in scales.items() if _ratio(e2, k) != "–"
                        )
                        for k in below
                    )
                    notes.append(
                        "Speed-up under 10×: "
                        + ", ".join(
                            f"{k} {v:.1f}× ({_s(eng['queries'][k]['warm_s'])} engine vs "
                            f"{_s(base['queries'][k]['warm_s'])} pandas)"
                            for k, v in below.items()
                        )
                        + ". The baseline is not naive: pandas 3 keeps strings in Arrow arrays, so its "
                        "filters (`isin`, comparisons) are vectorised C++ too, and with the whole frame already "
                        "in memory (loading it is not counted in its query times) a filter costs it well under "
                        "a second; part of the engine's time is fixed per query (SQL planning, the final pandas "
                        f"step both paths share). Ratios by scale: {trend}."
                    )
            gi_e = eng["queries"].get("gistar", {}).get("warm_s")
            gi_b = base["queries"].get("gistar", {}).get("warm_s")
            gi_s = eng["queries"].get("_gistar_statistic", {}).get("warm_s")
            if gi_e and gi_b:
                notes.append(
                    f"Gi* ({gi_b / gi_e:.1f}×) is not counted among the aggregations for the 10× target: it is "
                    "counting plus esda's G_Local, and G_Local is the same code on both paths"
                    + (f" ({_s(gi_s)} of the engine's {_s(gi_e)})" if gi_s else "")
                    + f"; the counting is pushed down like the other queries (pandas path {_s(gi_b)} in all)."
                )
            checked = [n for n in base["queries"] if not n.startswith("_")]
            unequal = [n for n in checked if base["queries"][n].get("equal") is False]
            add(
                f"| engine results equal the pandas baseline | {len(checked) - len(unequal)} of "
                f"{len(checked)} queries equal at {biggest} | {_verdict(not unequal)} |"
            )
    if br and "pages" in br:
        fcp = max(r["fcp_ms"] or 0 for r in br["pages"].values()) / 1000
        ready = max(r["ready_s"] for r in br["pages"].values())
        if ready >= TARGET_FIRST_PAINT_S:
            slowest = max(br["pages"], key=lambda p: br["pages"][p]["ready_s"])
            notes.append(
                f"First paint is under {TARGET_FIRST_PAINT_S:g} s on every page; the page with all its charts "
                f"drawn takes longer on {slowest} ({_s(br['pages'][slowest]['ready_s'])}): its charts and maps "
                "are drawn by Vega and deck.gl in Chromium without a GPU (`--disable-gpu`, software WebGL), "
                "after the page script has run."
            )
        add(
            f"| demo first paint < {TARGET_FIRST_PAINT_S:g} s | first contentful paint ≤ {fcp:.2f} s on every page; "
            f"charts drawn ≤ {_s(ready)} (first visit after start {_s(br['cold_first_visit']['ready_s'])}) "
            f"| {_verdict(fcp < TARGET_FIRST_PAINT_S)} (paint), {_verdict(ready < TARGET_FIRST_PAINT_S)} (charts) |"
        )
        changes = [c for r in br["pages"].values() for c in r.get("filter_to_chart_s") or []]
        if changes:
            worst = max(changes)
            add(
                f"| demo filter change → chart < {TARGET_FILTER_S:g} s | worst {_s(worst)}, median "
                f"{_s(sorted(changes)[len(changes) // 2])} over {len(changes)} changes | {_verdict(worst < TARGET_FILTER_S)} |"
            )
            slow = {
                p: max(r["filter_to_chart_s"]) for p, r in br["pages"].items() if r.get("filter_to_chart_s")
            }
            over = {p: v for p, v in slow.items() if v >= TARGET_FILTER_S}
            if over:
                apptest = results.get("apptest") or {}
                server = {
                    p: max(apptest[p]["rerun_s"]) for p in over if p in apptest and apptest[p].get("rerun_s")
                }
                notes.append(
                    "Filter changes over 1 s on "
                    + ", ".join(
                        f"{p} ({_s(v)}"
                        + (f"; server rerun alone {_s(server[p])}" if p in server else "")
                        + ")"
                        for p, v in over.items()
                    )
                    + ". A filter change reruns the whole page script (Streamlit's model): on the demo "
                    "dataset (tens of thousands of rows, well inside pandas' comfort zone) the time is the "
                    "page's own Python (comparator tables, Gi*, chart specs) and the browser drawing its "
                    "charts and maps, not the data queries timed above; the load average shows how much of "
                    "the 2 cores the run had."
                )
    app_entry = next(((sc, e["app_national"]) for sc, e in scales.items() if (e.get("app_national") or {}).get("pages")), None)
    if app_entry:
        sc, app = app_entry
        reruns = [t for r in app["pages"].values() for t in r.get("rerun_s", [])]
        warm = (scales[sc].get("open_warm") or {})
        worst = max(reruns) if reruns else float("nan")
        add(
            f"| the app on a {sc}-row national dataset (`store = \"parquet\"`, server side): filter change < "
            f"{TARGET_FILTER_S:g} s, memory < 4 GB | dataset open {_s(warm.get('wall_s'))} ({_mb(warm.get('maxrss_mb'))}); "
            f"first run {_s(app.get('first_run_s'))}; slowest filter rerun {_s(worst)}; peak {_mb(app.get('maxrss_mb'))} "
            f"| {_verdict(worst < TARGET_FILTER_S and app.get('maxrss_mb', 1e9) < TARGET_MEMORY_MB)} |"
        )
    add("")
    lines.extend(library_lines(results.get("library") or {}))
    if notes:
        add("### Where a target is missed or qualified, and why")
        add("")
        for note in notes:
            add(f"- {note}")
        add("")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_results(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))
