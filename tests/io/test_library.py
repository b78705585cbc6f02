"""The dataset library (csp_data/io/library.py, library_disk.py): re-imports replace, crashes lose nothing,
imports never interleave, datasets are deleted, version-1 libraries are migrated.

Every expected count is the number of rows written by hand below (or the real file's line count).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from csp_data.aggregate import count_by
from csp_data.io import library_disk as disk
from csp_data.io.force import ColumnMapping
from csp_data.io.library import DEMO, BoundaryInput, ForceInput, Library, TableInput, check_name
from csp_data.io.policeuk_import import import_policeuk_fast
from tests.io.test_policeuk import street_row, write

ROOT = Path(__file__).resolve().parents[2]


def jan(folder: Path, n: int = 3, tag: str = "j") -> Path:
    rows = [street_row(f"{tag}{i}", month="2021-01", lsoa_name="Alpha 001A") for i in range(n)]
    return write(folder / "2021-01" / "2021-01-north-street.csv", *rows)


def feb(folder: Path) -> Path:
    return write(
        folder / "2021-02" / "2021-02-north-street.csv",
        street_row("f1", month="2021-02", lsoa_name="Alpha 001A", crime_type="Drugs"),
        street_row("f2", month="2021-02", lsoa_name="Beta 001A", crime_type="Drugs"),
        street_row("f3", month="not a month", lsoa_name="Beta 001A"),  # rejected: bad month
    )


def month_counts(library: Library, name: str) -> dict[str, int]:
    d = library.open(name)
    table = count_by(d.incidents, ["month"], groups=d.groups)
    return {m.strftime("%Y-%m"): int(c) for m, c in zip(table["month"], table["count"], strict=True)}


def data_lines(path: Path) -> int:
    """The raw file's data rows, counted independently of every loader."""
    return len(path.read_text(encoding="utf-8").splitlines()) - 1


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "lib")


# --- checks outputs ---------------------------------------------------------------------------


def test_import_then_reimport_the_same_month_leaves_the_counts_unchanged(library: Library, tmp_path: Path) -> None:
    j, f = jan(tmp_path / "in"), feb(tmp_path / "in")
    assert data_lines(j) == 3 and data_lines(f) == 3
    plan, summary = library.import_files("north", [j, f])
    assert summary is not None and summary.rows == 5  # 3 + 2 (one Feb row has a bad month)
    assert summary.months == ("2021-01", "2021-02") and summary.sources == ("north",)
    assert plan.changes.new_months == ("2021-01", "2021-02") and plan.changes.rows_after == 5
    assert plan.report.rejected == 1
    plan, summary = library.import_files("north", [j])
    assert summary is not None and summary.rows == 5
    assert plan.changes.replaced_months == ("2021-01",) and plan.changes.new_months == ()
    assert [(m.rows_before, m.rows_after) for m in plan.changes.months] == [(3, 3)]
    assert (plan.changes.rows_before, plan.changes.rows_after) == (5, 5)
    assert month_counts(library, "north") == {"2021-01": 3, "2021-02": 2}


def test_a_corrected_month_replaces_the_old_one(library: Library, tmp_path: Path) -> None:
    library.import_files("north", [jan(tmp_path / "a"), feb(tmp_path / "a")])
    plan, _ = library.import_files("north", [jan(tmp_path / "b", n=4, tag="k")])
    assert [(m.month, m.rows_before, m.rows_after) for m in plan.changes.months] == [("2021-01", 3, 4)]
    assert month_counts(library, "north") == {"2021-01": 4, "2021-02": 2}
    parts = sorted(p.name for p in (library.folder("north") / "parts").iterdir())
    assert len(parts) == 2  # the replaced part is gone


def test_the_same_month_given_twice_in_one_import_counts_once(library: Library, tmp_path: Path) -> None:
    j = jan(tmp_path / "in")
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(j, "2021-01/2021-01-north-street.csv")
    plan, summary = library.import_files("north", [j, archive])
    assert summary is not None and summary.rows == 3
    assert any("given by 2 files" in n for n in plan.report.notes)


def test_other_forces_are_other_sources(library: Library, tmp_path: Path) -> None:
    jan(tmp_path / "in")
    write(tmp_path / "in" / "2021-01" / "2021-01-south-street.csv", street_row("s1", lsoa_name="Beta 001A"))
    _, summary = library.import_files("both", [tmp_path / "in"])
    assert summary is not None and summary.sources == ("north", "south") and summary.rows == 4


def test_a_plan_changes_nothing_until_committed(library: Library, tmp_path: Path) -> None:
    library.import_files("north", [jan(tmp_path / "a")])
    plan = library.plan_import("north", [feb(tmp_path / "a")])
    assert plan.changes.new_months == ("2021-02",)
    assert library.summary("north").months == ("2021-01",)
    other = library.plan_import("north", [feb(tmp_path / "a")])
    library.commit(plan)
    assert library.summary("north").months == ("2021-01", "2021-02")
    with pytest.raises(ValueError, match="changed since this import was previewed"):
        library.commit(other)
    library.discard(other)
    assert not other.staging.exists()
    with pytest.raises(ValueError, match="already committed or discarded"):
        library.commit(plan)


def test_open_gives_the_app_dataset_and_a_partnership(library: Library, tmp_path: Path) -> None:
    library.import_files("north", [jan(tmp_path / "in"), feb(tmp_path / "in")])
    whole = library.open("north")
    assert len(whole.incidents) == 5 and not whole.is_demo
    beta = library.open("north", partnership="Beta")
    assert len(beta.incidents) == 1 and beta.store is not None and beta.store.rows == 5


def test_demo_is_always_listed_and_never_copied(library: Library) -> None:
    assert library.names() == [DEMO]
    assert library.datasets()[0].is_demo and library.datasets()[0].rows is None
    assert library.open(DEMO).is_demo
    assert not library.data_dir.exists()
    with pytest.raises(ValueError, match="shipped data"):
        library.import_files(DEMO, [])
    with pytest.raises(ValueError, match="shipped data"):
        library.delete(DEMO)


def test_delete_a_dataset(library: Library, tmp_path: Path) -> None:
    library.import_files("north", [jan(tmp_path / "in")])
    library.import_files("keep", [jan(tmp_path / "in")])
    assert library.names() == [DEMO, "keep", "north"]
    library.delete("north")
    assert library.names() == [DEMO, "keep"]
    assert not library.folder("north").exists()
    assert month_counts(library, "keep") == {"2021-01": 3}
    with pytest.raises(ValueError, match="no dataset 'north'"):
        library.delete("north")


def test_boundaries_and_population_are_copied_with_server_names(library: Library, tmp_path: Path) -> None:
    geo = tmp_path / "my wards.geojson"
    square = [[[-0.48, 51.74], [-0.46, 51.74], [-0.46, 51.76], [-0.48, 51.76], [-0.48, 51.74]]]
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "W1", "name": "Ward one"},
         "geometry": {"type": "Polygon", "coordinates": square}},
    ]}), encoding="utf-8")
    pop = tmp_path / "pop.csv"
    pop.write_text("area_code,population\nW1,1000\n", encoding="utf-8")
    plan, summary = library.import_files(
        "north", [jan(tmp_path / "in")], boundaries=BoundaryInput(geo, "code", "name", label="ward"),
        population=TableInput(pop, "area_code", "population"),
    )
    assert summary is not None and summary.layers == ("boundaries", "population")
    assert plan.changes.new_areas == ("W1",) and plan.changes.layers_added == ("boundaries", "population")
    files = sorted(p.name for p in (library.folder("north") / "files").iterdir())
    assert len(files) == 2 and all(n.startswith(("boundaries.", "population.")) for n in files)
    d = library.open("north")
    assert d.areas is not None and list(d.areas["area_code"]) == ["W1"] and d.area_label == "ward"
    assert int(d.areas["population"].iloc[0]) == 1000
    assert len(d.incidents) == 3  # street_row's point (-0.47, 51.75) is inside the square


def test_force_extracts_replace_the_months_they_cover(library: Library, tmp_path: Path) -> None:
    first = tmp_path / "extract-1.csv"
    first.write_text(
        "beat,category,date\nB1,Burglary,2021-01-05\nB1,Burglary,2021-01-06\nB2,Drugs,2021-02-01\n,Drugs,2021-02-02\n",
        encoding="utf-8",
    )
    mapping = ColumnMapping(area="beat", crime_type="category", date="date")
    plan, summary = library.import_files("force", force=ForceInput((first,), mapping))
    assert summary is not None and summary.rows == 3 and summary.sources == ("force-extract",)
    assert plan.report.rejected == 1  # no beat
    second = tmp_path / "extract-2.csv"  # the next export: February revised, March new
    second.write_text("beat,category,date\nB2,Drugs,2021-02-01\nB3,Drugs,2021-02-09\nB1,Robbery,2021-03-01\n",
                      encoding="utf-8")
    plan, _ = library.import_files("force", force=ForceInput((second,)))  # the mapping is remembered
    assert plan.changes.replaced_months == ("2021-02",) and plan.changes.new_months == ("2021-03",)
    assert month_counts(library, "force") == {"2021-01": 2, "2021-02": 2, "2021-03": 1}
    assert library.open("force").groups.source == "force"
    with pytest.raises(ValueError, match="holds force data"):
        library.import_files("force", [jan(tmp_path / "in")])
    with pytest.raises(ValueError, match="no remembered force-extract column mapping"):
        library.import_files("other", force=ForceInput((second,)))
    assert library.names() == [DEMO, "force"]


@pytest.mark.parametrize("partnership", [None, "Alpha"])
def test_open_reads_again_when_a_commit_removed_a_part_under_it(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, partnership: str | None
) -> None:
    from csp_data.io import library as library_mod

    library.import_files("north", [jan(tmp_path / "a")])
    real_build = library_mod.build_dataset
    calls = []

    def build_after_a_commit(config):  # type: ignore[no-untyped-def]
        if not calls:  # a commit lands between reading the manifest and reading the parts
            library.import_files("north", [jan(tmp_path / "b", n=4, tag="k")])
        calls.append(config)
        return real_build(config)

    monkeypatch.setattr(library_mod, "build_dataset", build_after_a_commit)
    d = library.open("north", partnership=partnership)
    assert len(calls) == 2 and len(d.incidents) == 4


def test_data_dir_comes_from_the_config_or_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from csp_data.io.dataset import load_config
    from csp_data.io.library import DEFAULT_DATA_DIR, resolve_data_dir

    monkeypatch.delenv("CSP_DATA_DIR", raising=False)
    cfg = tmp_path / "csp.toml"
    cfg.write_text('data_dir = "my-data"\n[incidents]\npaths = ["x"]\n', encoding="utf-8")
    assert resolve_data_dir(config=load_config(cfg)) == tmp_path / "my-data"
    assert resolve_data_dir() == DEFAULT_DATA_DIR == ROOT / ".csp_data"
    monkeypatch.setenv("CSP_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(config=load_config(cfg)) == tmp_path / "env"
    assert resolve_data_dir(tmp_path / "flag") == tmp_path / "flag"


# --- checks inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../evil", "Herts", "", "a/b", ".staging", "x" * 65, "a b"])
def test_names_that_are_not_safe_slugs_are_refused(library: Library, name: str) -> None:
    with pytest.raises(ValueError, match="dataset name"):
        check_name(name)
    with pytest.raises(ValueError, match="dataset name"):
        library.import_files(name, [])


def test_nothing_usable_changes_nothing(library: Library, tmp_path: Path) -> None:
    plan, summary = library.import_files("north", [tmp_path / "missing.csv"])
    assert summary is None and not plan.usable
    assert library.names() == [DEMO]
    with pytest.raises(ValueError, match="nothing usable"):
        library.commit(plan)


def test_an_unwritable_data_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot write there"):
        Library(blocker / "lib").import_files("north", [])
    with pytest.raises(ValueError, match=r"cannot read the dataset manifest \(Not a directory\)"):
        Library(blocker / "lib").plan_import("north", [])


def test_a_newer_or_broken_manifest_is_a_clear_error(library: Library, tmp_path: Path) -> None:
    library.import_files("north", [jan(tmp_path / "in")])
    manifest = library.folder("north") / disk.MANIFEST
    manifest.write_text(json.dumps({"schema_version": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match="newer version"):
        library.open("north")
    manifest.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        library.open("north")


# --- migration --------------------------------------------------------------------------------


def test_a_version_1_dataset_is_migrated(library: Library, tmp_path: Path) -> None:
    """Version 1: one incidents.parquet per dataset and a manifest without parts."""
    folder = library.data_dir / "old"
    result = import_policeuk_fast([jan(tmp_path / "in"), feb(tmp_path / "in")], folder / "incidents.parquet")
    reports = [{"path": f.path, "kind": f.kind, "accepted": f.accepted, "rejected": f.rejected,
                "reasons": dict(f.reasons), "notes": {}, "issues": []} for f in result.report.files]
    (folder / disk.MANIFEST).write_text(
        json.dumps({"schema_version": 1, "name": "old", "reports": reports}), encoding="utf-8"
    )
    summary = library.summary("old")
    assert summary.schema_version == disk.SCHEMA_VERSION == 2
    assert summary.months == ("2021-01", "2021-02") and summary.rows == 5
    assert not (folder / "incidents.parquet").exists()
    assert month_counts(library, "old") == {"2021-01": 3, "2021-02": 2}
    _, after = library.import_files("old", [jan(tmp_path / "in")])  # a re-import after migrating replaces
    assert after is not None and after.rows == 5


# --- crashes and concurrency ------------------------------------------------------------------


def _start_import(data_dir: Path, paths: list[Path], pause_at: str, pause_file: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, disk.PAUSE_AT_ENV: pause_at, disk.PAUSE_FILE_ENV: str(pause_file)}
    cmd = [sys.executable, "-m", "csp_data", "import", "--data-dir", str(data_dir), "--dataset", "north",
           *map(str, paths)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(pause_file: Path, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not pause_file.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the import ended before pausing: {proc.stderr.read() if proc.stderr else ''!r}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the import did not reach its pause point")
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("point", "committed"),
    [("staged", False), ("commit-start", False), ("first-file-moved", False), ("before-manifest", False),
     ("after-manifest", True)],
)
def test_sigkill_mid_import_leaves_the_previous_contents(
    library: Library, tmp_path: Path, point: str, committed: bool
) -> None:
    library.import_files("north", [jan(tmp_path / "a")])
    revised = jan(tmp_path / "b", n=4, tag="k")
    pause = tmp_path / "paused"
    proc = _start_import(library.data_dir, [revised, feb(tmp_path / "b")], point, pause)
    _wait_for(pause, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    expected = {"2021-01": 4, "2021-02": 2} if committed else {"2021-01": 3}
    assert month_counts(library, "north") == expected
    _, summary = library.import_files("north", [feb(tmp_path / "b")])  # the next import succeeds
    assert summary is not None
    assert month_counts(library, "north") == {**expected, "2021-02": 2}
    manifest = disk.read_manifest(library.folder("north"))
    assert manifest is not None
    on_disk = {f"{sub}/{p.name}" for sub in ("parts", "files") for p in (library.folder("north") / sub).glob("*")}
    assert on_disk == disk.referenced_files(manifest)  # what the killed import left is cleaned up
    assert list((library.data_dir / ".staging").iterdir()) == []


def test_a_second_import_fails_clearly_while_one_runs(library: Library, tmp_path: Path) -> None:
    library.import_files("north", [jan(tmp_path / "a")])
    pause = tmp_path / "paused"
    proc = _start_import(library.data_dir, [feb(tmp_path / "a")], "before-manifest", pause)
    try:
        _wait_for(pause, proc)
        with pytest.raises(ValueError, match=rf"another import is running \(started .* by process {proc.pid}"):
            library.import_files("north", [jan(tmp_path / "b", n=4)], timeout=0.3)
        with pytest.raises(ValueError, match="another import is running"):
            library.delete("north")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert month_counts(library, "north") == {"2021-01": 3}
    _, summary = library.import_files("north", [jan(tmp_path / "b", n=4)])
    assert summary is not None and summary.rows == 4


def test_two_concurrent_imports_wait_for_each_other(library: Library, tmp_path: Path) -> None:
    j, f = jan(tmp_path / "a"), feb(tmp_path / "a")
    cmds = [
        [sys.executable, "-m", "csp_data", "import", "--data-dir", str(library.data_dir), "--dataset", "north",
         "--wait", "60", str(path)]
        for path in (j, f)
    ]
    procs = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for c in cmds]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    manifest = disk.read_manifest(library.folder("north"))
    assert manifest is not None and manifest["generation"] == 2
    assert month_counts(library, "north") == {"2021-01": 3, "2021-02": 2}


def test_two_threads_importing_wait_for_each_other(library: Library, tmp_path: Path) -> None:
    """The Streamlit server runs sessions on threads: one process, two imports, one lock."""
    from concurrent.futures import ThreadPoolExecutor

    j, f = jan(tmp_path / "a"), feb(tmp_path / "a")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda p: library.import_files("north", [p], timeout=60)[1], [j, f]))
    assert all(r is not None for r in results)
    assert month_counts(library, "north") == {"2021-01": 3, "2021-02": 2}


def test_the_manifest_records_the_counts_an_open_needs_and_old_manifests_still_open(
    library: Library, tmp_path: Path
) -> None:
    """Opening a dataset sums the counts each part recorded at import instead of scanning every row."""
    from csp_data.io.store import counts_of_parts

    folder = tmp_path / "in"
    write(
        folder / "2021-01" / "2021-01-north-street.csv",
        street_row("a1", lsoa_name="Alpha 001A"),
        street_row("a2", lsoa_name="alpha 002A"),  # the same partnership spelt in lower case
        street_row("b1", lsoa_name="Beta 001A"),
        street_row("n1", lsoa_name="", lsoa_code="", lon="", lat=""),  # no LSOA, no location
    )

    write(folder / "2021-02" / "2021-02-north-street.csv", street_row("f1", month="2021-02", lsoa_name="Beta 001A"))
    library.import_files("north", [folder])
    manifest = json.loads((library.folder("north") / disk.MANIFEST).read_text(encoding="utf-8"))
    jan_part = next(p for p in manifest["parts"] if p["month"] == "2021-01")
    # by hand: 4 rows; one with no LSOA and no location; 1 without a location in all
    assert jan_part["counts"] == {"rows": 4, "no_lsoa_unlocated": 1, "no_lsoa_located": 0, "unlocated": 1}
    assert jan_part["partnerships"] == ["Alpha", "Beta", "alpha"]
    counts, names = counts_of_parts(manifest["parts"]) or (None, ())
    assert counts is not None and (counts.rows, counts.partnerships, counts.unlocated) == (5, 2, 1)
    assert names == ("Alpha", "Beta", "alpha")
    opened = library.open("north", partnership="Beta")
    assert len(opened.incidents) == 2  # b1 and f1
    for part in manifest["parts"]:  # a manifest written before the counts were kept: scanned instead
        del part["counts"], part["partnerships"]
    disk.write_manifest(library.folder("north"), manifest)
    assert library.config("north").stored.counts is None  # type: ignore[union-attr]
    assert len(library.open("north", partnership="Beta").incidents) == 2
