"""Parquet store mode (csp_data/io/store.py): one partnership read from a national store, same as in memory."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pandas as pd
import pytest

from csp_data.io.dataset import build_dataset, load_config
from csp_data.io.store import ensure_store, report_from_json, report_to_json, store_key
from csp_data.model import LoadReport
from tests.io.test_policeuk import street_row, write

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def national(tmp_path: Path) -> Path:
    """Two months of police.uk files for Alpha and Beta, counted by hand below."""
    folder = tmp_path / "policeuk"
    write(
        folder / "2021-01" / "2021-01-north-street.csv",
        street_row("a1", lsoa_name="Alpha 001A", crime_type="Burglary"),
        street_row("a2", lsoa_name="Alpha 001B", crime_type="Shoplifting"),
        street_row("", lsoa_name="alpha 002A", crime_type="Anti-social behaviour", outcome=""),
        street_row("b1", lsoa_name="Beta 001A", crime_type="Burglary"),
        street_row("x1", lsoa_name="", lsoa_code="", lon="", lat="", crime_type="Drugs"),  # no LSOA, no place
        street_row("x2", month="not a month", lsoa_name="Alpha 001A"),  # rejected: bad month
    )
    write(
        folder / "2021-02" / "2021-02-north-street.csv",
        street_row("a3", month="2021-02", lsoa_name="Alpha 001A", crime_type="Burglary"),
        street_row("b2", month="2021-02", lsoa_name="Beta 001A", crime_type="Drugs"),
        street_row("b3", month="2021-02", lsoa_name="Beta 001A", crime_type="Drugs"),
        street_row("x3", month="2021-02", lsoa_name="", lsoa_code="", crime_type="Drugs"),  # no LSOA, located
    )
    (tmp_path / "pop.csv").write_text("partnership,population\nAlpha,1000\nBeta,2000\n", encoding="utf-8")
    return folder


def _config(tmp_path: Path, store: str, extra: str = "") -> Path:
    cfg = tmp_path / f"csp-{store}.toml"
    cfg.write_text(
        'partnership = "Alpha"\n'
        f'[incidents]\npaths = ["policeuk"]\nstore = "{store}"\nstore_dir = "store"\n'
        '[comparators]\npopulation = "pop.csv"\n' + extra,
        encoding="utf-8",
    )
    return cfg


def test_store_gives_the_partnership_rows_notes_and_comparators(national: Path, tmp_path: Path) -> None:
    d = build_dataset(load_config(_config(tmp_path, "parquet")))
    assert d.store is not None and d.store.imported
    assert d.store.rows == 9 and d.store.partnerships == 2  # 10 rows less the bad month; Alpha = alpha
    assert d.store.parquet.parent == tmp_path / "store"
    groups_text = (ROOT / "csp_data" / "config" / "crime_groups.toml").read_text(encoding="utf-8")
    assert store_key([national], groups_text) in d.store.parquet.name  # the shipped groups file is hashed
    assert d.incidents["crime_id"].fillna("").tolist() == ["a1", "a2", "", "a3"]  # 'alpha' matches Alpha
    street = [f for f in d.report.files if f.kind == "police.uk street"]
    assert sum(f.accepted for f in street) == 9 and sum(f.rejected for f in street) == 1
    assert [(f.kind, f.accepted, f.rejected) for f in d.report.files if f not in street] == [
        ("population table", 2, 0)  # the comparator populations have their own file report
    ]
    notes = d.report.notes
    assert "4 rows in Alpha by the local-authority part of the LSOA name" in notes
    assert "5 rows belong to other partnerships or cannot be placed (by LSOA name)" in notes
    assert "1 row has no LSOA and no location: not attributable to any partnership" in notes
    assert "1 row has no LSOA but a location: select by boundary to place them" in notes
    comp = d.comparators
    assert comp is not None
    counts = comp.set_index(["partnership", "month", "crime_group"])["count"]
    jan, feb = pd.Timestamp("2021-01-01"), pd.Timestamp("2021-02-01")
    assert counts[("Alpha", jan, "Burglary")] == 1 and counts[("Alpha", feb, "Burglary")] == 1
    assert counts[("Beta", feb, "Drugs")] == 2 and counts[("Beta", jan, "Drugs")] == 0
    assert counts.groupby(level=0).sum().to_dict() == {"Alpha": 4, "Beta": 3}
    assert set(comp.loc[comp["partnership"] == "Beta", "population"]) == {2000}


def test_store_equals_the_in_memory_load(national: Path, tmp_path: Path) -> None:
    memory = build_dataset(load_config(_config(tmp_path, "memory")))
    stored = build_dataset(load_config(_config(tmp_path, "parquet")))
    pd.testing.assert_frame_equal(memory.incidents, stored.incidents)
    assert memory.comparators is not None and stored.comparators is not None
    pd.testing.assert_frame_equal(memory.comparators, stored.comparators)
    pd.testing.assert_frame_equal(memory.report.to_frame(), stored.report.to_frame())
    assert [n for n in stored.report.notes if "Parquet store" not in n] == memory.report.notes
    assert sum("Parquet store" in n for n in stored.report.notes) == 1


def test_store_is_reused_until_a_file_changes(national: Path, tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, "parquet"))
    first = build_dataset(cfg)
    again = build_dataset(cfg)
    assert first.store is not None and again.store is not None
    assert first.store.imported and not again.store.imported
    assert again.store.parquet == first.store.parquet
    pd.testing.assert_frame_equal(first.incidents, again.incidents)
    assert again.report.accepted == first.report.accepted and again.report.rejected == first.report.rejected
    changed = national / "2021-02" / "2021-02-north-street.csv"
    added = street_row("a4", month="2021-02", lsoa_name="Alpha 001A")
    changed.write_text(changed.read_text(encoding="utf-8") + added + "\n", encoding="utf-8")
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    third = build_dataset(cfg)
    assert third.store is not None and third.store.imported and third.store.parquet != first.store.parquet
    assert len(third.incidents) == len(first.incidents) + 1


def test_store_key_follows_files_and_groups(national: Path) -> None:
    a = store_key([national])
    assert a == store_key([national])
    assert a != store_key([national], "[groups]\nchanged = true")
    assert a != store_key([national / "2021-01"])


def test_report_json_round_trip_keeps_counters_and_issues(national: Path, tmp_path: Path) -> None:
    d = build_dataset(load_config(_config(tmp_path, "memory")))
    report = LoadReport(files=d.report.files, notes=d.report.notes)
    back = report_from_json(report_to_json(report))
    assert back == report
    assert any(i.row == 6 and i.column == "Month" for f in back.files for i in f.issues)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('partnership = "A"\n[incidents]\npaths = ["x"]\nstore = "disk"\n', "store must be 'memory' or 'parquet'"),
        (
            '[incidents]\npaths = ["x"]\nformat = "force"\nstore = "parquet"\n[incidents.columns]\narea = "a"\n'
            'crime_type = "t"\n',
            "is for police.uk files",
        ),
        ('[incidents]\npaths = ["x"]\nstore = "parquet"\n', "set `partnership`"),
    ],
)
def test_store_config_errors(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "csp.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        load_config(cfg)
    assert str(cfg) in str(err.value)


@pytest.mark.real
@pytest.mark.parametrize("by", ["lsoa_name", "boundaries"])
def test_real_store_equals_memory(real_data: Path, tmp_path: Path, by: str) -> None:
    """Dacorum from the Hertfordshire files: 13,187 rows by LSOA name, in both modes, equal."""
    cfg = dataclasses.replace(load_config(ROOT / "config" / "herts-real.toml"), partnership_by=by)
    memory = build_dataset(cfg)
    stored = build_dataset(dataclasses.replace(cfg, store="parquet", store_dir=tmp_path))
    pd.testing.assert_frame_equal(memory.incidents, stored.incidents)
    if by == "lsoa_name":
        assert len(stored.incidents) == 13_187
    assert memory.comparators is not None and stored.comparators is not None
    pd.testing.assert_frame_equal(memory.comparators, stored.comparators)
    pd.testing.assert_frame_equal(memory.report.to_frame(), stored.report.to_frame())
    assert [n for n in stored.report.notes if "Parquet store" not in n] == memory.report.notes


def test_cli_counts_from_the_store_equal_memory(national: Path, tmp_path: Path) -> None:
    from tests.test_cli import run

    code_m, out_m, _ = run("counts", "--config", str(_config(tmp_path, "memory")), "--by", "crime_type")
    code_p, out_p, _ = run("counts", "--config", str(_config(tmp_path, "parquet")), "--by", "crime_type")
    assert code_m == code_p == 0
    assert out_p == out_m
    assert "Burglary" in out_p and "Shoplifting" in out_p


def test_unwritable_store_dir_is_a_clear_error(national: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store folder should be", encoding="utf-8")
    cfg = _config(tmp_path, "parquet")
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('store_dir = "store"', 'store_dir = "not-a-folder/store"'))
    with pytest.raises(ValueError, match=r"store_dir .*not-a-folder/store: cannot write the Parquet store"):
        build_dataset(load_config(cfg))


def test_first_spelling_in_input_order_names_the_partnership(tmp_path: Path) -> None:
    folder = tmp_path / "policeuk"
    write(
        folder / "2021-01" / "2021-01-north-street.csv",
        street_row("a1", lsoa_name="alpha 002A"),
        street_row("a2", lsoa_name="Alpha 001A"),
        street_row("b1", lsoa_name="Beta 001A"),
    )
    (tmp_path / "pop.csv").write_text("partnership,population\nAlpha,1000\nBeta,2000\n", encoding="utf-8")
    memory = build_dataset(load_config(_config(tmp_path, "memory")))
    stored = build_dataset(load_config(_config(tmp_path, "parquet")))
    assert "2 rows in alpha by the local-authority part of the LSOA name" in memory.report.notes
    assert [n for n in stored.report.notes if "Parquet store" not in n] == memory.report.notes


def test_concurrent_loads_share_one_import(national: Path, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from csp_data.groups import load_crime_groups

    groups = load_crime_groups()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: ensure_store([national], tmp_path / "store", groups), range(4)))
    assert len({r[0] for r in results}) == 1
    assert sum(r[2] for r in results) == 1  # imported once, reused by the others
    assert sorted(p.suffix for p in (tmp_path / "store").iterdir()) == [".json", ".parquet"]  # no leftovers


def test_existing_store_is_read_without_writing(national: Path, tmp_path: Path, monkeypatch) -> None:
    cfg = load_config(_config(tmp_path, "parquet"))
    first = build_dataset(cfg)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", refuse)
    monkeypatch.setattr(Path, "write_text", refuse)
    again = build_dataset(cfg)  # e.g. a store on a read-only share
    assert again.store is not None and not again.store.imported
    pd.testing.assert_frame_equal(again.incidents, first.incidents)


def test_refreshed_archive_replaces_its_old_store(national: Path, tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, "parquet"))
    first = build_dataset(cfg)
    changed = national / "2021-01" / "2021-01-north-street.csv"
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    second = build_dataset(cfg)
    assert first.store is not None and second.store is not None and second.store.imported
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == sorted(
        [second.store.parquet.name, second.store.parquet.name.replace(".parquet", ".report.json")]
    )


def test_store_keeps_the_paths_as_given(national: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"  # absolute paths are kept as written (relative ones are resolved)
    link.symlink_to(national, target_is_directory=True)
    build_dataset(load_config(_config(tmp_path, "parquet")))  # a store of the same files by their real path
    cfg = _config(tmp_path, "parquet").read_text(encoding="utf-8").replace('paths = ["policeuk"]', f'paths = ["{link}"]')
    (tmp_path / "via-link.toml").write_text(cfg, encoding="utf-8")
    memory_cfg = (tmp_path / "via-link-memory.toml")
    memory_cfg.write_text(cfg.replace('store = "parquet"', 'store = "memory"'), encoding="utf-8")
    stored = build_dataset(load_config(tmp_path / "via-link.toml"))
    memory = build_dataset(load_config(memory_cfg))
    assert stored.store is not None and stored.store.imported
    assert set(stored.incidents["source_file"]) == set(memory.incidents["source_file"])
    assert all("/link/" in f for f in stored.incidents["source_file"])
