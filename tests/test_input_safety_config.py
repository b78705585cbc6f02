"""Issue 10, point 11: a csp.toml with a typo, a wrong type, a folder, a bad encoding or a system path
stops with a message naming the file and the key (and the nearest valid key), never a traceback or a
silent default."""

from __future__ import annotations

from pathlib import Path

import pytest

from csp_data.io.dataset import CONFIG_KEYS, load_config, parse_config
from csp_data.io.sources import MAX_FILES_SCANNED, walk_files

VALID = '[incidents]\npaths = ["data"]\n'


def write(tmp_path: Path, text: str) -> Path:
    cfg = tmp_path / "csp.toml"
    cfg.write_text(text, encoding="utf-8")
    return cfg


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # the typo that made the whole force show as if it were the partnership
        ('partnershp = "Dacorum"\n' + VALID,
         r"csp.toml: unknown key `partnershp` at the top level; did you mean `partnership`\?"),
        ('[incidents]\npaths = ["data"]\nstroe = "parquet"\n',
         r"csp.toml: unknown key `stroe` in \[incidents\]; did you mean `store`\?"),
        (VALID + '[populaton]\npath = "pop.csv"\n',
         r"csp.toml: unknown table \[populaton\]; did you mean \[population\]\?"),
        (VALID + '[boundaries]\npath = "b.json"\ncode_feild = "WD13CD"\n',
         r"csp.toml: unknown key `code_feild` in \[boundaries\]; did you mean `code_field`\?"),
        ('[incidents]\npaths = ["x.csv"]\nformat = "force"\n[incidents.columns]\narea = "Beat"\n'
         'crime_type = "Offence"\ndaet = "Date"\n',
         r"unknown key `daet` in \[incidents.columns\]; did you mean `date`\?"),
        # nothing close: the valid keys are listed instead
        (VALID + 'speed = 3\n', r"unknown key `speed` in \[incidents\]; valid keys: columns, format, paths, store, store_dir"),
    ],
)
def test_unknown_keys_are_errors_with_the_nearest_valid_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_config(write(tmp_path, text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('boundaries = "x.json"\n' + VALID,
         r"csp.toml: `boundaries` must be a table \(\[boundaries\] with its keys below it\), found a string 'x.json'"),
        ('partnership = ["Dacorum", "Watford"]\n' + VALID,
         r"csp.toml: `partnership` must be a string in quotes, found a list \['Dacorum', 'Watford'\]"),
        ('[incidents]\npaths = [1, 2]\n', r"`paths` in \[incidents\] must be a list of strings in quotes"),
        (VALID + '[boundaries]\npath = 3\n', r"`path` in \[boundaries\] must be a string in quotes, found 3"),
        (VALID + '[peer_groups]\nmsg = "A;B"\n', r"`msg` in \[peer_groups\] must be a list of partnership names"),
        (VALID + '[limits]\nmax_file_mb = "big"\n', r"`max_file_mb` in \[limits\] must be a number, found a string 'big'"),
    ],
)
def test_wrong_types_are_clean_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_config(write(tmp_path, text))


def test_limits_and_date_format_are_valid_keys_that_reach_the_loaders(tmp_path: Path) -> None:
    """[limits] keys set the loaders' Limits; a misspelt one names the nearest valid key."""
    c = load_config(write(tmp_path, VALID + "[limits]\nmax_file_mb = 50\nmax_field_kb = 64\n"
                          "max_zip_total_mb = 2000\nmax_compression_ratio = 20\n"))
    assert (c.limits.max_file_mb, c.limits.max_field_kb, c.limits.max_zip_total_mb, c.limits.max_compression_ratio) == (
        50, 64, 2000, 20)
    assert "date_format" in CONFIG_KEYS["incidents.columns"]
    with pytest.raises(ValueError, match=r"max_zip_ratio.*did you mean .max_zip_total_mb.|max_zip_ratio.*max_compression_ratio"):
        load_config(write(tmp_path, VALID + "[limits]\nmax_zip_ratio = 100\n"))


def test_every_key_of_the_shipped_config_is_valid() -> None:
    c = load_config(Path(__file__).resolve().parents[1] / "config" / "herts-real.toml")
    assert c.partnership == "Dacorum" and c.code_field == "WD13CD"


def test_config_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"is a folder, expected a config file") as info:
        load_config(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_non_utf8_config_names_the_file(tmp_path: Path) -> None:
    cfg = tmp_path / "csp.toml"
    cfg.write_bytes('name = "Caf\xe9"\n[incidents]\npaths = ["a"]\n'.encode("latin-1"))
    with pytest.raises(ValueError, match=r"csp.toml: not UTF-8 text \(byte 0xe9 at position 11\); save it as UTF-8"):
        load_config(cfg)


@pytest.mark.parametrize("path", ["/", "/proc", "/proc/self", "/sys/kernel", "/dev", "/dev/zero"])
def test_system_paths_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError, match=r"csp.toml: \[incidents\] paths: '/[a-z/]*' is (a filesystem root|"
                                        r"inside the virtual filesystem /(proc|sys|dev))"):
        load_config(write(tmp_path, f'[incidents]\npaths = ["{path}"]\n'))
    with pytest.raises(ValueError, match=r"\[boundaries\] path: '/dev/zero' is inside the virtual filesystem /dev"):
        load_config(write(tmp_path, VALID + '[boundaries]\npath = "/dev/zero"\n'))


def test_folder_walk_is_bounded(tmp_path: Path) -> None:
    for i in range(6):
        (tmp_path / f"f{i}.csv").write_text("x\n")
    assert [p.name for p in walk_files(tmp_path, max_files=6)] == [f"f{i}.csv" for i in range(6)]
    with pytest.raises(ValueError, match=r"more than 5 files under .*: stopped scanning \(limit 5 files\); "
                                        r"name the folder that holds the data"):
        walk_files(tmp_path, max_files=5)
    assert MAX_FILES_SCANNED == 100_000


def test_good_config_is_unchanged(tmp_path: Path) -> None:
    """Nothing else changed: a config using every table parses as before."""
    c = parse_config(
        {"name": "Mine", "partnership": "Dacorum", "incidents": {"paths": ["d"], "store": "memory"},
         "boundaries": {"path": "b.json", "code_field": "CD", "label": "ward"},
         "population": "pop.csv", "comparators": {"population": "p.xlsx"},
         "peer_groups": {"county": ["A", "B"]}, "risk": {"weights": {"trend": 1}}},
        base=tmp_path,
    )
    assert c.population is not None and c.population.path == tmp_path / "pop.csv"
    assert c.peer_groups == {"county": ["A", "B"]} and c.area_label == "ward"


def test_small_limits_reject_an_oversized_force_extract_naming_the_file(tmp_path: Path) -> None:
    """Trust issue follow-up: force extracts are read under the config's [limits], not the defaults."""
    from csp_data.io.dataset import build_dataset

    extract = tmp_path / "extract.csv"
    extract.write_text("Beat,Offence,Date\n" + "B1,Burglary,2021-02-13\n" * 4000, encoding="utf-8")  # ~96 KB
    cfg = write(tmp_path, '[incidents]\npaths = ["extract.csv"]\nformat = "force"\n[incidents.columns]\n'
                'area = "Beat"\ncrime_type = "Offence"\ndate = "Date"\n[limits]\nmax_file_mb = 0.05\n')
    with pytest.raises(ValueError, match=r"extract\.csv: the file is .*over the limit max_file_mb = 0\.05"):
        build_dataset(load_config(cfg))
    # the same extract under the default limits is read
    assert len(build_dataset(load_config(write(tmp_path, cfg.read_text().split("[limits]")[0]))).incidents) == 4000


def test_small_limits_reject_an_oversized_population_file_naming_the_file(tmp_path: Path) -> None:
    """Trust issue follow-up: population tables are read under the config's [limits], not the defaults."""
    from dataclasses import replace

    from csp_data.io.dataset import TableSource, build_dataset, demo_config
    from csp_data.io.limits import Limits

    extract = tmp_path / "extract.csv"
    extract.write_text("beat,crime_type,date,time,easting,northing,incident_id,location\n"
                       "B1,Burglary,2021-02-01,10:00,,,1,High St\n", encoding="utf-8")
    population = tmp_path / "population.csv"
    population.write_text("area_code,population\n" + "".join(f"X{i:05d},100\n" for i in range(8000)),
                          encoding="utf-8")  # ~100 KB
    config = replace(demo_config(), incident_paths=(extract,), population=TableSource(population, "area_code",
                     "population"), households=None, comparators=None, limits=Limits(max_file_mb=0.05))
    with pytest.raises(ValueError, match=r"population\.csv: the file is .*over the limit max_file_mb = 0\.05"):
        build_dataset(config)
