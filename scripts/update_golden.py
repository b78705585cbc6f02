"""Regenerate the golden outputs in tests/golden/ (the behaviour pinned before a restructure).

    .venv/bin/python scripts/update_golden.py            # every case whose data is present
    .venv/bin/python scripts/update_golden.py --check    # compare only, write nothing (exit 1 on a difference)
    .venv/bin/python scripts/update_golden.py --verify-subprocess   # also check in-process == `python -m csp_data`

Each case is one CLI command (``python -m csp_data ...`` with fixed options and a fixed period, run
in-process) or one page's headline (app.py under Streamlit's AppTest with fixed query-string filters).
A CLI case writes ``<case>.csv`` (stdout) and ``<case>.notes.txt`` (exit code and the note/warning/error
lines of stderr); a page case writes ``<case>.txt``. tests/test_golden.py regenerates every case in
memory and compares it with these files. See tests/golden/README.md.

To add a dataset config, add one line to SOURCES.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import runpy
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
REAL_DATA = ROOT.parent / "shared" / "data" / "real"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The crime group the pages are opened with (query string ``group=``); the app's default today.
PAGE_GROUP = "All crime (excluding ASB)"
#: Grid cell size of the hotspots cases that give one (500 m keeps tests/golden/ small; the code paths
#: are the same at any size).
CELL_SIZE = "500"
#: stderr lines kept in ``.notes.txt`` (library warnings, which print once per process, are not).
NOTE_PREFIXES = ("note:", "warning:", "error:", "skipped:", "load summary:", "...")


@dataclass(frozen=True)
class Source:
    """A dataset the cases run on: ``config`` relative to the repo root (None = the shipped demo) and a
    fixed period (first and last month, inclusive) so that no output depends on today's date."""

    name: str
    config: str | None
    start: str
    end: str

    @property
    def real(self) -> bool:
        return self.config is not None

    def data_args(self) -> list[str]:
        return [] if self.config is None else ["--config", str(ROOT / self.config)]

    def period_args(self) -> list[str]:
        return ["--from", self.start, "--to", self.end]

    def county(self) -> list[str]:
        """The county group of the dataset's config (demo: data/demo_peers.toml)."""
        path = ROOT / (self.config or "data/demo_peers.toml")
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return [str(n) for n in raw.get("peer_groups", {}).get("county", [])]


SOURCES: tuple[Source, ...] = (
    Source("demo", None, "2025-01", "2025-12"),
    Source("herts", "config/herts-real.toml", "2021-02", "2022-01"),
    Source("gwent", "config/gwent-real.toml", "2024-07", "2025-06"),
)

#: Pages whose headline (the first "### " markdown of the main area) is stored.
PAGES: tuple[tuple[str, str], ...] = (
    ("overview", "pages/home.py"),
    ("hotspots", "pages/hotspots.py"),
    ("trends", "pages/trends.py"),
    ("priorities", "pages/priorities.py"),
)


def cli_commands(source: Source) -> dict[str, list[str]]:
    """Case suffix -> argv (after ``python -m csp_data``) for one source."""
    data, period = source.data_args(), source.period_args()
    county = ["--county", ";".join(source.county())] if source.county() else []
    hot = ["hotspots", *data, *period, "--format", "csv", "--method"]
    cell = ["--cell-size", CELL_SIZE]
    return {
        "counts_crime_type_month": ["counts", *data, *period, "--by", "crime_type,month", "--format", "csv"],
        "counts_area": ["counts", *data, *period, "--by", "area", "--format", "csv"],
        "counts_month": ["counts", *data, *period, "--by", "month", "--format", "csv"],
        # the default cell size is a rule of the outline alone (announced in the notes): pinned once
        "hotspots_count": [*hot, "count"],
        "hotspots_count_hex": [*hot, "count", *cell, "--shape", "hex"],
        "hotspots_kde": [*hot, "kde", *cell],
        "hotspots_gistar": [*hot, "gistar", *cell],
        "hotspots_gistar_fdr": [*hot, "gistar", *cell, "--fdr"],
        "trend": ["trend", *data, *county, "--format", "csv"],
        "trend_rolling12": ["trend", *data, *county, "--rolling", "12", "--format", "csv"],
        "trend_burglary": ["trend", *data, "--group", "Burglary", "--format", "csv"],
        "yoy": ["yoy", *data, *period, "--format", "csv"],
        "risk": ["risk", *data, *period, "--format", "csv"],
    }


@dataclass(frozen=True)
class Case:
    """One golden case: ``kind`` is "cli" (argv) or "page" (page path)."""

    name: str
    source: Source
    kind: str
    argv: tuple[str, ...] = ()
    page: str = ""

    @property
    def files(self) -> tuple[str, ...]:
        """The golden file names this case writes."""
        return (f"{self.name}.csv", f"{self.name}.notes.txt") if self.kind == "cli" else (f"{self.name}.txt",)


def all_cases() -> list[Case]:
    cases = []
    for source in SOURCES:
        for suffix, argv in cli_commands(source).items():
            cases.append(Case(f"{source.name}_{suffix}", source, "cli", argv=tuple(argv)))
        for suffix, page in PAGES:
            cases.append(Case(f"{source.name}_page_{suffix}", source, "page", page=page))
    return cases


def source_available(source: Source) -> bool:
    """A real-data source needs ../shared/data/real beside the repo (never copied into it)."""
    return not source.real or REAL_DATA.is_dir()


# ------------------------------------------------------------------------------------------ running


def _keep_note(line: str) -> bool:
    return line.startswith(NOTE_PREFIXES)


def _portable(text: str) -> str:
    """The text with this checkout's absolute path written as ``<repo>`` (worktrees differ)."""
    return text.replace(str(ROOT), "<repo>")


def _notes_text(code: int, stderr: str) -> str:
    lines = [_portable(line) for line in stderr.splitlines() if _keep_note(line)]
    return "\n".join([f"exit code: {code}", *lines]) + "\n"


def run_cli(argv: tuple[str, ...]) -> dict[str, str]:
    """Run ``python -m csp_data *argv`` in this process; {file suffix: text}."""
    from csp_data.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return {".csv": _portable(out.getvalue()), ".notes.txt": _notes_text(code, err.getvalue())}


def run_cli_subprocess(argv: tuple[str, ...]) -> dict[str, str]:
    """The same, as a separate process (to check that the in-process run changes nothing)."""
    env = {k: v for k, v in os.environ.items() if k != "CSP_CONFIG"}
    proc = subprocess.run(
        [sys.executable, "-m", "csp_data", *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    return {".csv": _portable(proc.stdout), ".notes.txt": _notes_text(proc.returncode, proc.stderr)}


def page_headline(source: Source, page: str) -> str:
    """The headline the page shows for the source's period (rolling 12 months to ``source.end``): the
    first "### " markdown of the main area; when there is none, every error/warning/info shown instead."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params.update({"preset": "rolling12", "end": source.end, "group": PAGE_GROUP})
    at.switch_page(page)
    at.run()
    if at.exception:
        return "exception: " + "\n".join(str(e.value) for e in at.exception) + "\n"
    for md in at.main.markdown:
        if md.value.startswith("### "):
            return _portable(md.value) + "\n"
    shown = [f"{kind}: {e.value}" for kind in ("error", "warning", "info") for e in getattr(at.main, kind)]
    return "no headline; " + "\n".join(shown) + "\n"


@contextlib.contextmanager
def _environment(source: Source) -> Iterator[None]:
    """CSP_CONFIG for the app (unset for the demo); refuse a ./csp.toml, which would replace the demo."""
    from csp_data.io.dataset import DEFAULT_CONFIG

    if source.config is None and DEFAULT_CONFIG.exists():
        raise RuntimeError(f"{DEFAULT_CONFIG} exists: the app would not open the demo; move it away first")
    old = os.environ.pop("CSP_CONFIG", None)
    if source.config is not None:
        os.environ["CSP_CONFIG"] = str(ROOT / source.config)
    try:
        yield
    finally:
        os.environ.pop("CSP_CONFIG", None)
        if old is not None:
            os.environ["CSP_CONFIG"] = old


@contextlib.contextmanager
def session() -> Iterator[Callable[[Case], dict[str, str]]]:
    """A runner ``run(case) -> {file name: text}`` that loads each dataset once.

    The CLI loads its dataset on every command; here ``build_dataset`` is memoised (by the config's
    repr) in every already-imported csp_data module that holds it, for the life of the session. If a
    restructure renames it, nothing is patched and every command simply loads again (slower, same
    output). AppTest runs app.py itself (not the page alone), as tests/app/conftest.py does.
    """
    from csp_data.cli import build_parser
    from csp_data.io import dataset as dataset_module

    build_parser()  # imports every command module, so each one's build_dataset is patched below
    from streamlit.runtime.scriptrunner import script_runner

    original = getattr(dataset_module, "build_dataset", None)
    patched: list[tuple[ModuleType, object]] = []
    if original is not None:
        loaded: dict[str, object] = {}  # config repr -> dataset, for this session only

        def build_once(config: object, *a: object, **kw: object) -> object:
            if a or kw:
                return original(config, *a, **kw)
            key = repr(config)
            if key not in loaded:
                loaded[key] = original(config)
            return loaded[key]

        for name, module in list(sys.modules.items()):
            ours = name == "csp_data" or name.startswith("csp_data.")
            # ui.cache is left alone: the app caches its own load (st.cache_resource)
            if ours and name != "ui.cache" and getattr(module, "build_dataset", None) is original:
                patched.append((module, original))
                module.build_dataset = build_once  # type: ignore[attr-defined]
    old_mpa = script_runner._mpa_v1
    script_runner._mpa_v1 = lambda main_script_path: runpy.run_path(main_script_path)  # type: ignore[assignment]

    def run(case: Case) -> dict[str, str]:
        with _environment(case.source):
            if case.kind == "cli":
                return {f"{case.name}{suffix}": text for suffix, text in run_cli(case.argv).items()}
            return {f"{case.name}.txt": page_headline(case.source, case.page)}

    try:
        yield run
    finally:
        script_runner._mpa_v1 = old_mpa
        for module, fn in patched:
            module.build_dataset = fn  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the stored files, write nothing")
    parser.add_argument(
        "--verify-subprocess", action="store_true",
        help="also run every CLI case as `python -m csp_data` and check the outputs are identical",
    )
    parser.add_argument("--only", metavar="SOURCE", action="append", help="only these sources (demo, herts, ...)")
    args = parser.parse_args(argv)
    sources = [s for s in SOURCES if not args.only or s.name in args.only]
    differ: list[str] = []
    missing: list[str] = []
    GOLDEN.mkdir(parents=True, exist_ok=True)
    with session() as run:
        for source in sources:
            if not source_available(source):
                print(f"skip {source.name}: {REAL_DATA} not found", file=sys.stderr)
                continue
            t0 = time.perf_counter()
            for case in (c for c in all_cases() if c.source == source):
                outputs = run(case)
                if args.verify_subprocess and case.kind == "cli":
                    sub = {f"{case.name}{k}": v for k, v in run_cli_subprocess(case.argv).items()}
                    if sub != outputs:
                        differ.append(f"{case.name}: in-process output differs from the subprocess output")
                for name, text in outputs.items():
                    path = GOLDEN / name
                    old = path.read_text(encoding="utf-8") if path.exists() else None
                    if old != text:
                        (differ if old is not None else missing).append(name)
                        if not args.check:
                            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"{source.name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    for line in differ:
        print(("differs: " if args.check else "updated: ") + line, file=sys.stderr)
    for line in missing:
        print(("missing: " if args.check else "new: ") + line, file=sys.stderr)
    not_equal = any("subprocess" in d for d in differ)
    return 1 if not_equal or (args.check and (differ or missing)) else 0


if __name__ == "__main__":
    sys.exit(main())
