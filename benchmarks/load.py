"""`make load` = ``python -m benchmarks.load``: many sessions at once against one server (issue 14).

Starts ``streamlit run app.py`` on loopback (a free port, the demo dataset), then for each level (default 10
and then 30 concurrent sessions) drives that many sessions for ``--seconds`` (default 120 per level).

Two clients (``--client``):

* ``ws`` (the default): each session a websocket speaking Streamlit's protocol (benchmarks/load_ws.py),
  so the load on the 2 cores is the server's: it reruns every page and changes the crime group, reads
  every element the server sends and checks errors and its own filters from them, and times each rerun
  from the BackMsg sent to ``script_finished``.
* ``browser``: each session a Playwright browser context in one headless Chromium (this module), which
  also renders every page; on the 2 shared cores 10-30 renderers, not the server, set the latency.

The browser client: each session opens the app with its own area in the URL and then,
round and round, visits every page from the sidebar navigation and changes the crime group on each page,
choosing a different group each time. After every navigation and every filter change it checks:

* no error: no Streamlit exception element, no "Error" alert, no connection-error dialog;
* its own filters: the sidebar shows the group this session just chose and the area it opened with, the
  URL carries both, and on the Overview the headline names its own area (a mix-up of session state
  between sessions would show another session's choice).

Measured: the rerun latency of each filter change, in the page (``performance.now()``) from the click on
the option to the page settling (the script state back to ``notRunning`` after ``running``, the running
status widget and every spinner gone), p50 and p95 per level; the page-navigation latency the same way;
the server's resident memory (RSS of the server process and its children, from /proc) sampled every
0.25 s, its peak per level. The results are written as one section of benchmarks/RESULTS.md (replaced on
the next run) and as JSON in benchmarks/tmp/load.json.

Usage::

    python -m benchmarks.load                          # 10 then 30 sessions, 120 s each, websocket client
    python -m benchmarks.load --client browser         # the same through headless Chromium
    python -m benchmarks.load --levels 3 --seconds 30 --out benchmarks/tmp/RESULTS-load.md
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import load_ws
from benchmarks.targets import TARGET_LOAD_GROWTH_MB, TARGET_LOAD_P95_S
from csp_data.tools.serve import wait_until_healthy

ROOT = Path(__file__).resolve().parents[1]
TMP = Path(__file__).resolve().parent / "tmp"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
]
#: The app's pages: (title in the sidebar navigation, url path).
PAGES = [("Overview", ""), ("Hotspots", "hotspots"), ("Trends", "trends"), ("Priorities", "priorities"),
         ("Data", "data"), ("Methods", "methods")]
#: Crime groups and beats of the demo dataset (csp_data.tools.demo; crime_groups.toml).
GROUPS = ["All crime (excluding ASB)", "ASB", "Violence and sexual offences", "Burglary", "Vehicle crime",
          "Criminal damage and arson", "Drugs", "Robbery", "Shoplifting", "Public order",
          "Possession of weapons", "Theft from the person", "Bicycle theft", "Other theft", "Other crime",
          "Serious acquisitive crime", "ASB and criminal damage", "All theft", "Dwelling burglary"]
AREAS = {"D1A": "Hemel Hempstead Central", "D1B": "Adeyfield West", "D1C": "Adeyfield East",
         "D1D": "Apsley and Corner Hall", "D1E": "Leverstock Green", "D1F": "Boxmoor",
         "D1G": "Highfield and St Pauls", "D1H": "Grovehill", "D1K": "Gadebridge", "D1L": "Warners End",
         "D1M": "Chaulden & Shrubhill", "D1N": "Nash Mills", "D1P": "Kings Langley", "D1Q": "Bennetts End",
         "D1S": "Watling", "D1T": "Woodhall Farm", "D2A": "Berkhamsted Castle", "D2B": "Berkhamsted East",
         "D2C": "Berkhamsted West", "D2D": "Northchurch", "D2E": "Ashridge", "D3A": "Tring West and Rural",
         "D3B": "Tring Central", "D3D": "Aldbury & Wigginton"}
ERROR_SELECTOR = (
    "[data-testid='stException'], [data-testid='stAlertContentError'], [data-testid='stConnectionStatus']"
)
# Counts as settled once the script has run (seen running, then notRunning), with no spinner and no
# running status widget left. Timed in the page so a busy Python client does not inflate the figure.
_ARM_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  const w = window.__load = {sawRunning: false, doneAt: null};
  const busy = () => document.querySelector("[data-testid='stSpinner']")
    || [...document.querySelectorAll("[data-testid='stStatusWidget']")].some(e => /running/i.test(e.innerText));
  const check = () => {
    if (w.doneAt !== null) return;
    if (app.getAttribute('data-test-script-state') === 'running') w.sawRunning = true;
    if (w.sawRunning && app.getAttribute('data-test-script-state') === 'notRunning' && !busy()) {
      w.doneAt = performance.now();
    } else requestAnimationFrame(check);
  };
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') w.sawRunning = true;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  w.armedAt = performance.now();
  requestAnimationFrame(check);
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, MB (from /proc; 0 for a process gone)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total_kb, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid``'s threads (the server is one process)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """`streamlit run app.py` on 127.0.0.1 and a free port, on the demo dataset, with a memory sampler."""

    def __init__(self) -> None:
        self.port = free_port()
        env = dict(os.environ)
        env.pop("CSP_CONFIG", None)
        TMP.mkdir(parents=True, exist_ok=True)
        self.log_path = TMP / f"load-streamlit-{self.port}.log"  # one a replica
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.peak_mb = 0.0
        self._stop = threading.Event()
        if not wait_until_healthy(self.url, self.proc, 120) and self.proc.poll() is None:
            self.stop()
            raise RuntimeError(f"streamlit did not start in 120 s; see {self.log_path}")
        if self.proc.poll() is not None:
            self.stop()
            raise RuntimeError(f"streamlit exited; see {self.log_path}")
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.proc.pid))

    def rss_mb(self) -> float:
        return tree_rss_mb(self.proc.pid)

    def reset_peak(self) -> None:
        self.peak_mb = self.rss_mb()

    def stop(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


class Replicas:
    """``n`` servers (replicas of the app, each its own process), as behind a load balancer with sticky
    sessions (docs/deploy.md, set-up 3): session ``i`` stays on replica ``i % n`` for its whole life, which
    is what stickiness gives. Memory and CPU are the replicas' sums (the peak: the sum of each one's peak,
    an upper bound). One replica is the plain one-server run."""

    def __init__(self, n: int = 1) -> None:
        if n < 1:
            raise ValueError(f"replicas: expected 1 or more, got {n}")
        self.servers: list[Server] = []
        try:
            for _ in range(n):
                self.servers.append(Server())
        except BaseException:
            self.stop()
            raise

    def url(self, i: int) -> str:
        return self.servers[i % len(self.servers)].url

    def rss_mb(self) -> float:
        return sum(s.rss_mb() for s in self.servers)

    @property
    def peak_mb(self) -> float:
        return sum(s.peak_mb for s in self.servers)

    def reset_peak(self) -> None:
        for s in self.servers:
            s.reset_peak()

    def cpu_s(self) -> float:
        return sum(tree_cpu_s(s.proc.pid) for s in self.servers)

    def stop(self) -> None:
        for s in self.servers:
            s.stop()


@dataclass
class Level:
    """What one level (n concurrent sessions) measured."""

    sessions: int
    rerun_s: list[float] = field(default_factory=list)
    nav_s: list[float] = field(default_factory=list)
    first_load_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    mixups: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    pages_seen: set[str] = field(default_factory=set)
    peak_mb: float = 0.0
    start_mb: float = 0.0
    wall_s: float = 0.0
    server_cpu_s: float = 0.0
    load_end: str = ""
    think_s: float = 0.0
    client_cpu_s: float = 0.0
    rerun_by_page: dict[str, list[float]] = field(default_factory=dict)


async def _settle(page: Any, timeout_ms: int) -> float:
    """Seconds (in the page) from arming (_ARM_JS, just before the action) to the settled page."""
    await page.wait_for_function("() => window.__load && window.__load.doneAt !== null", timeout=timeout_ms)
    return float(await page.evaluate("() => window.__load.doneAt - window.__load.armedAt")) / 1000


async def _errors(page: Any, where: str) -> list[str]:
    """The text of every error element on the page, each prefixed with ``where``."""
    texts = [await b.inner_text() for b in await page.query_selector_all(ERROR_SELECTOR)]
    return [f"{where}: {t.strip()[:200]}" for t in texts]


async def _shown_group(page: Any) -> str:
    """The crime group the sidebar shows (the combobox keeps its value in its input)."""
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Crime group")
    return str(await box.first.locator("input").input_value())


async def _check_own(page: Any, where: str, group: str, code: str, *, overview: bool) -> list[str]:
    """Mismatches between what this session chose and what its page shows."""
    problems = []
    sidebar = page.locator("[data-testid='stSidebar']")
    shown = await _shown_group(page)
    if shown != group:
        problems.append(f"{where}: sidebar group {shown!r}, chose {group!r}")
    chips = await sidebar.locator("[data-testid='stMultiSelect']").filter(has_text="Beat").first.inner_text()
    if AREAS[code] not in chips:
        problems.append(f"{where}: sidebar areas {chips.strip()!r}, opened with {code}")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    if query.get("group") != [group] or query.get("areas") != [code]:
        problems.append(f"{where}: url {page.url!r}, chose group {group!r} area {code}")
    if overview:
        heading = await page.locator("[data-testid='stMainBlockContainer'] h3").first.inner_text()
        if f"only: {code}" not in heading:
            problems.append(f"{where}: overview headline {heading!r} lacks own area {code}")
    return problems


async def _change_group(page: Any, group: str, timeout_ms: int) -> float:
    """Choose ``group`` in the sidebar's crime-group box; seconds from choosing it to the settled page."""
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Crime group")
    field = box.first.locator("input")
    await field.click()
    await field.fill(group)  # replaces the current value's text, which typing would append to
    option = page.get_by_role("option", name=group, exact=True)
    await option.wait_for(timeout=timeout_ms)
    await option.hover()  # the pointer's option becomes the focused one; Enter chooses it
    await page.evaluate(_ARM_JS)
    await field.press("Enter")
    return await _settle(page, timeout_ms)


async def _session(
    browser: Any, url: str, i: int, deadline: float, level: Level, timeout_ms: int, *, once: bool = False
) -> None:
    code = list(AREAS)[i % len(AREAS)]
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(timeout_ms)  # every wait, not only the explicit ones
    page = await ctx.new_page()
    k = 0
    try:
        t0 = time.monotonic()
        await page.goto(f"{url}/?areas={code}", timeout=timeout_ms)
        # notRunning is also the state before the first run starts: wait for the sidebar's widgets first
        await page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
            has_text="Crime group").first.wait_for(timeout=timeout_ms)
        await page.wait_for_selector("[data-testid='stSidebarNav']", timeout=timeout_ms)
        await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
        await page.wait_for_function("() => !document.querySelector(\"[data-testid='stSpinner']\")",
                                     timeout=timeout_ms)
        level.first_load_s.append(time.monotonic() - t0)
        current, here = "All crime (excluding ASB)", "Overview"
        while time.monotonic() < deadline:
            for title, _path in PAGES:
                if time.monotonic() >= deadline:
                    break
                where = f"session {i} {title}"
                if title != here:  # clicking the page already shown does not rerun
                    await page.evaluate(_ARM_JS)
                    await page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first.click()
                    level.nav_s.append(await _settle(page, timeout_ms))
                    level.errors += await _errors(page, where + " (opened)")
                    here = title
                group = GROUPS[(i + k) % len(GROUPS)]
                if group == current:
                    k += 1
                    group = GROUPS[(i + k) % len(GROUPS)]
                level.rerun_s.append(await _change_group(page, group, timeout_ms))
                if await _shown_group(page) == current:
                    # The change reran the page but the old value came back (seen on the first change
                    # after a page load): counted apart and retried once, so it is not read as a mix-up.
                    level.ignored.append(f"{where}: chose {group!r}, still {current!r}")
                    level.rerun_s.append(await _change_group(page, group, timeout_ms))
                current, k = group, k + 1
                level.errors += await _errors(page, where + f" (group {group})")
                level.mixups += await _check_own(page, where, group, code, overview=title == "Overview")
                level.pages_seen.add(title)
            if once:
                break
    except Exception as exc:  # a timeout or a vanished page is this session's failure, not the run's
        level.failures.append(f"session {i} after {k} changes: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        await ctx.close()


def _ws_session(url: str, i: int, deadline: float, level: Level, timeout_ms: int, *, once: bool = False) -> Any:
    return load_ws.session(url, i, deadline, level, timeout_ms / 1000, groups=GROUPS, areas=AREAS,
                           pages=[title for title, _path in PAGES], once=once)


async def run_level(browser: Any, server: Replicas, n: int, seconds: float, timeout_ms: int,
                    think_s: float = 0.0) -> Level:
    """One level: ``n`` sessions for ``seconds``; ``browser`` a Playwright browser, or None for the
    websocket client (whose sessions pause ``think_s`` before each action)."""
    level = Level(sessions=n, think_s=think_s)
    server.reset_peak()
    level.start_mb = server.peak_mb
    cpu0, t0, own0 = server.cpu_s(), time.monotonic(), time.process_time()
    deadline = time.monotonic() + seconds
    tasks = []
    for i in range(n):  # staggered by 0.25 s: people do not open the app in the same millisecond
        one = (_session(browser, server.url(i), i, deadline, level, timeout_ms) if browser is not None
               else _ws_session(server.url(i), i, deadline, level, timeout_ms))
        tasks.append(asyncio.create_task(one))
        await asyncio.sleep(0.25)
    await asyncio.gather(*tasks)
    level.peak_mb = server.peak_mb
    level.server_cpu_s, level.wall_s = server.cpu_s() - cpu0, time.monotonic() - t0
    level.client_cpu_s = time.process_time() - own0  # this process: the websocket clients (or Playwright's driver)
    return level


def quantile(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) by linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def _s(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.2f} s"


def marker(meta: dict[str, Any]) -> str:
    """The name of a run's RESULTS.md section: ``load`` (sessions back to back), ``load-think`` (with a
    pause before each action, ``--think``), with ``-replicasN`` for N servers (``--replicas``), so that each
    kind of run replaces only its own."""
    name = "load-think" if meta.get("think_s") else "load"
    n = int(meta.get("replicas", 1))
    return name if n == 1 else f"{name}-replicas{n}"


def report(levels: list[Level], meta: dict[str, Any]) -> str:
    """The RESULTS.md section for a run."""
    ws = meta.get("client", "browser") == "ws"
    name = marker(meta)
    replicas = int(meta.get("replicas", 1))
    lines = [
        f"<!-- {name}:start (written by `make load`, benchmarks/load.py; replaced on the next run) -->",
        "## (g) Many sessions at once (`make load`, demo dataset"
        + (f", {meta['think_s']:g} s think time" if meta.get("think_s") else "")
        + (f", {replicas} replicas)" if replicas > 1 else ")"),
        "",
        f"- Client: **{'websocket (Streamlit protocol, `--client ws`, the default)' if ws else 'browser (Playwright, `--client browser`)'}**.",
        f"- Date: {meta['date']}; {meta['cpus']} cores, load average at start {meta['load_start']}, at end "
        f"{meta['load_end']} (1, 5, 15 min; after each level: "
        + "; ".join(f"{lv.sessions} sessions {lv.load_end}" for lv in levels if lv.load_end)
        + "). The machine is shared with other engineers' tests and builds"
        + (", so these are upper bounds." if ws else ", and the headless Chromium driving the sessions runs on "
           "the same 2 cores as the server, so these are upper bounds."),
        ("- One server (`streamlit run app.py` on 127.0.0.1)" if replicas == 1 else
         f"- {replicas} servers (replicas: `streamlit run app.py` each, on 127.0.0.1; `--replicas`), each session "
         "on one of them for its whole life (sticky, as behind a load balancer: docs/deploy.md, set-up 3); "
         "memory and CPU are their sums")
        + f", {meta['seconds']:.0f} s per level; each session "
        + ("a websocket client of Streamlit's protocol (benchmarks/load_ws.py: `BackMsg` reruns with its "
           "widget states, every `ForwardMsg` read, nothing rendered)" if ws else
           "a Playwright browser context in one headless Chromium")
        + ", visiting every page and changing the crime group on each (a different group each time), "
        "with its own beat from the URL; "
        + (f"each pausing {meta['think_s']:g} s (0.5-1.5 x, `--think`) before each action, as a person reading "
           "the page." if meta.get("think_s") else "each action sent as soon as the last finished (no pause: "
           "the server's worst case)."),
        ("- Rerun = the BackMsg sent to `script_finished`, timed on the client (all of the page's elements "
         "received). " if ws else
         "- Rerun = click on the new group to the page settled (script finished, no spinner, no running "
         "status widget), timed in the page. ")
        + f"Memory = RSS of the server{'' if replicas == 1 else 's'} and {'its' if replicas == 1 else 'their'} children (/proc), sampled "
        f"every 0.25 s; {meta['idle_mb']:.0f} MB idle after start, {meta['warm_mb']:.0f} MB after one "
        "warm-up session.",
        "",
        "| sessions | filter changes | rerun p50 | rerun p95 | rerun max | page nav p50 | page nav p95 "
        "| first load p95 | errors shown | sessions failed | own-filter mismatches | changes not applied "
        "| server peak |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lv in levels:
        lines.append(
            f"| {lv.sessions} | {len(lv.rerun_s)} | {_s(quantile(lv.rerun_s, 0.5))} | "
            f"{_s(quantile(lv.rerun_s, 0.95))} | {_s(max(lv.rerun_s, default=None))} | "
            f"{_s(quantile(lv.nav_s, 0.5))} | {_s(quantile(lv.nav_s, 0.95))} | "
            f"{_s(quantile(lv.first_load_s, 0.95))} | {len(lv.errors)} | {len(lv.failures)} | {len(lv.mixups)} | {len(lv.ignored)} | "
            f"{lv.peak_mb:.0f} MB |"
        )
    lines += ["", "| target (issue 14) | measured | verdict |", "|---|---|---|"]
    by_n = {lv.sessions: lv for lv in levels}
    if 10 in by_n:
        p95 = quantile(by_n[10].rerun_s, 0.95)
        verdict = "n/a: no filter change completed" if p95 is None else (
            "**met**" if p95 < TARGET_LOAD_P95_S else "**missed**")
        lines.append(f"| p95 filter-change rerun < {TARGET_LOAD_P95_S:.0f} s at 10 sessions | {_s(p95)} | {verdict} |")
    if 30 in by_n:
        lv = by_n[30]
        clean = not lv.errors and not lv.failures and not lv.mixups and len(lv.pages_seen) == len(PAGES)
        lines.append(
            f"| no errors at 30 sessions | {len(lv.errors)} errors shown, {len(lv.failures)} sessions failed "
            f"(timeouts), {len(lv.mixups)} mix-ups, "
            f"{len(lv.pages_seen)} of {len(PAGES)} pages reached | {'**met**' if clean else '**missed**'} |"
        )
    if len(levels) >= 2:
        lo, hi = levels[0], levels[-1]
        growth = (hi.peak_mb - lo.peak_mb) / (hi.sessions - lo.sessions)
        lines.append(
            f"| server memory growth < {TARGET_LOAD_GROWTH_MB:.0f} MB per extra session | "
            f"{growth:.1f} MB per session (peak {lo.peak_mb:.0f} MB at {lo.sessions}, {hi.peak_mb:.0f} MB at "
            f"{hi.sessions}) | {'**met**' if growth < TARGET_LOAD_GROWTH_MB else '**missed**'} |"
        )
    if 10 not in by_n and 30 not in by_n:
        lines.append(f"| the targets are set at 10 and 30 sessions | this run: {', '.join(str(n) for n in by_n)} | n/a |")
    if any(lv.ignored for lv in levels):
        lines += ["", "Changes not applied: the group change reran the page but the sidebar came back with the "
                  "previous group (each retried once; the retry is timed too). While this test was built it "
                  "was seen in one session alone too (the first change after the app opened), so it is not a "
                  "mix-up between sessions: "
                  + "; ".join(p for lv in levels for p in lv.ignored[:3])]
    lines += ["", "Server CPU per level (where the time went): " + "; ".join(
        f"{lv.sessions} sessions: {lv.server_cpu_s:.0f} CPU s in {lv.wall_s:.0f} s wall "
        f"({lv.server_cpu_s / lv.wall_s:.2f} cores of 2)" for lv in levels if lv.wall_s)
        + (". The websocket clients (this one Python process) used "
           + "; ".join(f"{lv.client_cpu_s:.0f} CPU s at {lv.sessions}" for lv in levels)
           + "; the rest of the machine's CPU went to the other engineers' jobs." if ws else ". The rest of the machine's CPU went to the Chromium rendering "
           "every session's page (charts and maps in software WebGL) and to the other engineers' jobs.")]
    if any(lv.rerun_by_page for lv in levels):
        lines += ["", "Filter-change rerun p50 / p95 by page (which pages make the tail): " + "; ".join(
            f"{lv.sessions} sessions: " + ", ".join(
                f"{page} {_s(quantile(v, 0.5))} / {_s(quantile(v, 0.95))}" for page, v in lv.rerun_by_page.items())
            for lv in levels if lv.rerun_by_page) + "."]
    problems = [p for lv in levels for p in lv.errors + lv.failures + lv.mixups]
    if problems:
        lines += ["", "First problems seen:", ""] + [f"- {p.splitlines()[0]}" for p in problems[:10]]
    lines += [f"<!-- {name}:end -->", ""]
    return "\n".join(lines)


def write_section(path: Path, section: str, name: str = "load") -> None:
    """Replace the section ``name`` of ``path`` (between its markers), or append it."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    start, end = text.find(f"<!-- {name}:start"), text.find(f"<!-- {name}:end -->")
    if start >= 0 and end > start:
        text = text[:start] + section + text[end + len(f"<!-- {name}:end -->\n"):]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def _loadavg() -> str:
    return "(" + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + ")"


async def _levels(browser: Any, server: Replicas, levels: list[int], seconds: float, timeout_ms: int,
                  meta: dict[str, Any]) -> list[Level]:
    """A warm-up session (loads the dataset and fills the shared caches once, not measured), then each
    level in turn."""
    warm = Level(sessions=len(server.servers))
    for r in range(len(server.servers)):  # one warm-up session on each replica: each has its own caches
        if browser is not None:
            await _session(browser, server.url(r), r, float("inf"), warm, timeout_ms, once=True)
        else:
            await _ws_session(server.url(r), r, float("inf"), warm, timeout_ms, once=True)
    problems = warm.errors + warm.failures + warm.mixups
    if problems:
        raise RuntimeError(f"the warm-up session failed: {problems[0]}")
    print(f"load: warm-up visited {len(warm.pages_seen)} pages, {len(warm.rerun_s)} changes, "
          f"rerun p50 {_s(quantile(warm.rerun_s, 0.5))}", file=sys.stderr, flush=True)
    meta["warm_mb"] = server.rss_mb()
    results = []
    for n in levels:
        print(f"load: {n} sessions for {seconds:.0f} s ...", file=sys.stderr, flush=True)
        lv = await run_level(browser, server, n, seconds, timeout_ms, meta.get("think_s", 0.0))
        print(f"load: {n} sessions: {len(lv.rerun_s)} changes, p95 {_s(quantile(lv.rerun_s, 0.95))}, "
              f"{len(lv.errors)} errors, {len(lv.failures)} failures, {len(lv.mixups)} mix-ups, "
              f"peak {lv.peak_mb:.0f} MB, load average {_loadavg()}", file=sys.stderr, flush=True)
        lv.load_end = _loadavg()
        results.append(lv)
    return results


async def _main(levels: list[int], seconds: float, timeout_ms: int, client: str = "ws", think_s: float = 0.0,
                replicas: int = 1) -> tuple[list[Level], dict[str, Any]]:
    meta: dict[str, Any] = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                            "cpus": os.cpu_count(), "load_start": _loadavg(), "seconds": seconds,
                            "platform": platform.platform(), "client": client,
                            "think_s": think_s if client == "ws" else 0.0, "replicas": replicas}
    server = Replicas(replicas)
    try:
        meta["idle_mb"] = server.rss_mb()
        if client == "browser":
            from playwright.async_api import async_playwright

            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                results = await _levels(browser, server, levels, seconds, timeout_ms, meta)
                await browser.close()
        else:
            results = await _levels(None, server, levels, seconds, timeout_ms, meta)
    finally:
        server.stop()
    meta["load_end"] = _loadavg()
    return results, meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--levels", default="10,30", help="concurrent sessions per level, comma-separated")
    ap.add_argument("--seconds", type=float, default=120.0, help="duration of each level (default 120)")
    ap.add_argument("--timeout", type=float, default=120.0, help="longest wait for one page action, s")
    ap.add_argument("--out", type=Path, default=RESULTS, help="markdown file to write the section to")
    ap.add_argument("--client", choices=("ws", "browser"), default="ws",
                    help="ws: Streamlit's websocket protocol (default; the load is the server's); "
                         "browser: Playwright contexts in headless Chromium (which also render each page)")
    ap.add_argument("--replicas", type=int, default=1,
                    help="servers (replicas) to start; session i stays on replica i mod N (default 1)")
    ap.add_argument("--think", type=float, default=0.0,
                    help="ws client: seconds a session pauses before each action (0.5-1.5 x; default 0, "
                         "back to back, the server's worst case; `make load` passes 5)")
    args = ap.parse_args(argv)
    if args.think < 0 or args.replicas < 1:
        ap.error("--think must be 0 or more and --replicas 1 or more")
    if args.client == "browser" and not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: run `make browser-deps` first", file=sys.stderr)
        return 1
    think = args.think if args.client == "ws" else 0.0
    if think != args.think:  # `make load LOAD_CLIENT=browser` passes the default think time too
        print(f"load: --think {args.think:g} is for the ws client; the browser sessions do not pause", file=sys.stderr)
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    results, meta = asyncio.run(_main(levels, args.seconds, int(args.timeout * 1000), args.client, think,
                                      args.replicas))
    write_section(args.out, report(results, meta), marker(meta))
    TMP.mkdir(parents=True, exist_ok=True)
    (TMP / f"{marker(meta)}.json").write_text(json.dumps(
        {"meta": meta, "levels": [{**lv.__dict__, "pages_seen": sorted(lv.pages_seen)} for lv in results]},
        indent=1))
    print(f"load: written to {args.out}", file=sys.stderr)
    failed = any(lv.errors or lv.failures or lv.mixups for lv in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
