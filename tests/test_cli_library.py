"""`python -m csp_data import` and `datasets`, and `--data-dir --dataset` on the data commands."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from csp_data.cli import main
from tests.io.test_policeuk import street_row, write


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def counts(*argv: str, by: str = "month") -> pd.DataFrame:
    code, out, err = run("counts", *argv, "--by", by, "--format", "csv")
    assert code == 0, err
    return pd.read_csv(io.StringIO(out))


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "policeuk"
    write(
        folder / "2021-01" / "2021-01-north-street.csv",
        street_row("a1", lsoa_name="Alpha 001A", crime_type="Burglary"),
        street_row("a2", lsoa_name="Alpha 001B", crime_type="Shoplifting"),
        street_row("b1", lsoa_name="Beta 001A", crime_type="Burglary"),
        street_row("x", month="13/2021", lsoa_name="Alpha 001A"),  # rejected: bad month
    )
    write(folder / "2021-02" / "2021-02-north-street.csv", street_row("a3", month="2021-02", lsoa_name="Alpha 001A"))
    return folder


def test_import_prints_the_report_and_the_changes(files: Path, tmp_path: Path) -> None:
    code, out, err = run("import", "--data-dir", str(tmp_path / "lib"), "--dataset", "north", str(files))
    assert code == 0, err
    table = pd.read_fwf(io.StringIO(out))
    assert sorted(table["accepted"]) == [1, 3] and sorted(table["rejected"]) == [0, 1]
    assert "change: 2021-01 north: new, 3 rows" in err and "change: 2021-02 north: new, 1 row" in err
    assert "unparseable month: 1" in out and "row 4, column 'Month': unparseable month" in err
    code, out, err = run("import", "--data-dir", str(tmp_path / "lib"), "--dataset", "north",
                         str(files / "2021-01"))
    assert code == 0 and "change: 2021-01 north: replaces 3 rows with 3" in err
    assert "incident rows: 4 before, 4 after" in err


def test_import_exits_1_when_nothing_usable(tmp_path: Path) -> None:
    not_policeuk = tmp_path / "2021-01-north-street.csv"
    not_policeuk.write_text("a,b\n1,2\n", encoding="utf-8")
    lib = str(tmp_path / "lib")
    for given in (str(tmp_path / "missing.csv"), str(not_policeuk)):
        code, _out, err = run("import", "--data-dir", lib, "--dataset", "north", given)
        assert code == 1 and "nothing usable" in err
    code, _out, err = run("import", "--data-dir", lib, "--dataset", "north")
    assert code == 1 and "nothing usable" in err
    code, out, _err = run("datasets", "--data-dir", lib, "--format", "csv")
    assert code == 0 and list(pd.read_csv(io.StringIO(out))["dataset"]) == ["demo"]


def test_import_a_force_extract_with_its_columns(tmp_path: Path) -> None:
    extract = tmp_path / "extract.csv"
    extract.write_text("Beat,Offence,Date\nB1,Burglary,2021-01-05\nB2,Drugs,2021-02-01\n", encoding="utf-8")
    lib = str(tmp_path / "lib")
    code, _out, err = run("import", "--data-dir", lib, "--dataset", "f", "--force-extract", str(extract),
                          "--columns", "area=Beat,crime_type=Offence,date=Date")
    assert code == 0, err
    assert counts("--data-dir", lib, "--dataset", "f")["count"].tolist() == [1, 1]
    code, _out, err = run("import", "--data-dir", lib, "--dataset", "f", "--force-extract", str(extract),
                          "--columns", "beat=Beat")
    assert code == 1 and "--columns 'beat=Beat'" in err


def test_bad_dataset_name_is_an_error(tmp_path: Path, files: Path) -> None:
    code, _out, err = run("import", "--data-dir", str(tmp_path / "lib"), "--dataset", "../x", str(files))
    assert code == 1 and "dataset name '../x'" in err


def test_datasets_lists_and_deletes(files: Path, tmp_path: Path) -> None:
    lib = str(tmp_path / "lib")
    assert run("import", "--data-dir", lib, "--dataset", "north", str(files))[0] == 0
    code, out, _err = run("datasets", "--data-dir", lib, "--format", "csv")
    table = pd.read_csv(io.StringIO(out))
    assert list(table["dataset"]) == ["demo", "north"]
    north = table.set_index("dataset").loc["north"]
    assert north["rows"] == "4" and north["months"] == "2021-01 to 2021-02 (2)" and north["sources"] == "north"
    assert str(table.set_index("dataset").loc["demo", "rows"]).startswith("n/a: ")
    code, _out, err = run("datasets", "--data-dir", lib, "--delete", "nort")
    assert code == 1 and "no dataset 'nort'" in err
    code, _out, _err = run("datasets", "--data-dir", lib, "--delete", "north")
    assert code == 0 and not (tmp_path / "lib" / "north").exists()


def test_data_dir_dataset_gives_the_same_counts_as_data(files: Path, tmp_path: Path) -> None:
    lib = str(tmp_path / "lib")
    assert run("import", "--data-dir", lib, "--dataset", "north", str(files))[0] == 0
    for by, extra in (("month", ()), ("crime_type", ()), ("month", ("--partnership", "Alpha"))):
        from_files = counts("--data", str(files), *extra, by=by)
        from_library = counts("--data-dir", lib, "--dataset", "north", *extra, by=by)
        pd.testing.assert_frame_equal(from_library, from_files)
    assert counts("--data-dir", lib, "--dataset", "north", "--partnership", "Alpha")["count"].tolist() == [2, 1]


def test_data_dir_from_the_environment(files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSP_DATA_DIR", str(tmp_path / "env-lib"))
    assert run("import", "--dataset", "north", str(files))[0] == 0
    assert counts("--dataset", "north")["count"].tolist() == [3, 1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--data-dir", "x"), "--data-dir needs --dataset"),
        (("--dataset", "north", "--data", "a.csv"), "--dataset takes the place of --data/--config"),
    ],
)
def test_dataset_option_errors(argv: tuple[str, ...], message: str) -> None:
    code, _out, err = run("counts", *argv, "--by", "month")
    assert code == 1 and message in err


def test_real_hertfordshire_library(real_data: Path, tmp_path: Path) -> None:
    """README figures: 108,465 street rows over 13 months; 2021-01 6,914; Dacorum 13,187 rows."""
    police = real_data / "policeuk"
    lib = str(tmp_path / "lib")
    code, _out, err = run("import", "--data-dir", lib, "--dataset", "herts", str(police))
    assert code == 0, err
    assert "imported into 'herts': 13 months, 108,465 incident rows, sources: hertfordshire" in err
    code, _out, err = run("import", "--data-dir", lib, "--dataset", "herts", str(police / "2021-01"))
    assert code == 0 and "replaces 6,914 rows with 6,914" in err and "108,465 before, 108,465 after" in err
    by_month = counts("--data-dir", lib, "--dataset", "herts")
    assert by_month["count"].sum() == 108_465 and by_month["count"].iloc[0] == 6_914
    dacorum = counts("--data-dir", lib, "--dataset", "herts", "--partnership", "Dacorum")
    assert dacorum["count"].sum() == 13_187
    pd.testing.assert_frame_equal(dacorum, counts("--data", str(police), "--partnership", "Dacorum"))


def test_real_boundaries_and_population(real_data: Path, tmp_path: Path) -> None:
    """Dacorum's 25 wards; 13,184 of 13,187 rows inside a ward, the other 3 by nearest ward (README)."""
    police, wards = real_data / "policeuk", real_data / "boundaries" / "wards_2013_by_lad" / "E07000096.json"
    pop = real_data / "population" / "pop_ward.xlsx"
    lib = str(tmp_path / "lib")
    code, _out, err = run(
        "import", "--data-dir", lib, "--dataset", "dacorum", str(police), "--boundaries", str(wards),
        "--code-field", "WD13CD", "--name-field", "WD13NM", "--population", str(pop),
    )
    assert code == 0, err
    assert "new areas (25)" in err and "boundaries: added" in err and "population: added" in err
    flags = ("--boundaries", str(wards), "--area-field", "WD13CD", "--name-field", "WD13NM", "--population", str(pop))
    pd.testing.assert_frame_equal(
        counts("--data-dir", lib, "--dataset", "dacorum", by="area"), counts("--data", str(police), *flags, by="area")
    )
    dacorum = ("--partnership", "Dacorum")
    from_library = counts("--data-dir", lib, "--dataset", "dacorum", *dacorum, by="area")
    pd.testing.assert_frame_equal(from_library, counts("--data", str(police), *flags, *dacorum, by="area"))
    assert from_library["count"].sum() == 13_187 and len(from_library) == 25
    hotspots = ("hotspots", "--method", "count", *dacorum, "--format", "csv")
    code, grid_library, err = run(*hotspots, "--data-dir", lib, "--dataset", "dacorum")
    assert code == 0, err
    code, grid_files, err = run(*hotspots, "--data", str(police), *flags)
    assert code == 0, err
    assert grid_library == grid_files


@pytest.mark.parametrize("command", [("trend", "--peers", "Dacorum;Hertsmere;St Albans"), ("yoy",), ("risk",)])
def test_real_analysis_commands_give_the_same_tables(real_data: Path, tmp_path: Path, command: tuple[str, ...]) -> None:
    """Comparators from the files with district populations (comparator_population), as with --data."""
    police, pop = real_data / "policeuk", real_data / "population" / "pop.xlsx"
    lib = str(tmp_path / "lib")
    code, _out, err = run("import", "--data-dir", lib, "--dataset", "herts", str(police), "--population", str(pop))
    assert code == 0 and "comparator_population: added" in err
    common = (*command, "--partnership", "Dacorum", "--format", "csv")
    code, from_library, err = run(*common, "--data-dir", lib, "--dataset", "herts")
    assert code == 0, err
    code, from_files, err = run(*common, "--data", str(police), "--population", str(pop))
    assert code == 0, err
    assert from_library == from_files and from_library.count("\n") > 5
