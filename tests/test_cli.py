"""`python -m csp_data counts` and `validate`: tiny hand-made police.uk files, then the real Done-when check."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import box

from csp_data.cli import main

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)


def row(cid: str, month: str, lon: str, lat: str, lsoa: str, ctype: str) -> str:
    return f"{cid},{month},F,F,{lon},{lat},On or near X,E0100000{lsoa[-1]},{lsoa},{ctype},,"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Two months in the archive layout; Dacorum rows, one St Albans row, one row with no location."""
    root = tmp_path / "archive"
    (root / "2021-01").mkdir(parents=True)
    (root / "2021-02").mkdir(parents=True)
    (root / "2021-01" / "2021-01-herts-street.csv").write_text(
        "\n".join([
            HEADER,
            row("a", "2021-01", "-0.470", "51.750", "Dacorum 001A", "Burglary"),
            row("b", "2021-01", "-0.470", "51.750", "Dacorum 001A", "Burglary"),
            row("", "2021-01", "-0.560", "51.760", "Dacorum 002B", "Anti-social behaviour"),
            row("c", "2021-01", "-0.340", "51.750", "St Albans 001A", "Burglary"),
            "d,2021-01,F,F,,,No Location,,,Drugs,,",
        ]) + "\n"
    )
    (root / "2021-02" / "2021-02-herts-street.csv").write_text(
        "\n".join([HEADER, row("e", "2021-02", "-0.470", "51.750", "Dacorum 001A", "Violent crime")]) + "\n"
    )
    (root / "2021-01" / "2021-01-herts-outcomes.csv").write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n"
    )
    return root


def test_counts_by_type_for_a_partnership(archive: Path) -> None:
    code, out, _ = run("counts", "--data", str(archive), "--partnership", "Dacorum", "--by", "crime_type",
                       "--format", "csv")
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["crime_type", "count"]
    # sorted by the field; legacy "Violent crime" counted under today's name
    assert table.to_dict("records") == [
        {"crime_type": "Anti-social behaviour", "count": 1},
        {"crime_type": "Burglary", "count": 2},
        {"crime_type": "Violence and sexual offences", "count": 1},
    ]


def test_counts_by_month_and_group_with_period_and_type(archive: Path) -> None:
    code, out, _ = run("counts", "--data", str(archive), "--partnership", "Dacorum", "--by", "month,group",
                       "--from", "2021-01", "--to", "2021-01", "--crime-type", "Burglary", "--format", "csv")
    assert code == 0
    assert out.splitlines() == ["month,group,count", "2021-01,Burglary,2"]


def test_counts_by_month_outside_the_data_is_n_a_not_zero(archive: Path) -> None:
    """Issue 10, point 14: `counts --by month` printed 0 for months before and after the data."""
    code, out, _ = run("counts", "--data", str(archive), "--partnership", "Dacorum", "--by", "month",
                       "--from", "2020-12", "--to", "2021-03", "--crime-type", "Burglary", "--format", "csv")
    assert code == 0
    assert out.splitlines() == [
        "month,count,note",
        "2020-12,,n/a: no data before Jan 2021",
        "2021-01,2,",
        "2021-02,0,",  # Feb 2021 is in the data (a violent crime) with no burglary: a true 0
        "2021-03,,n/a: no data after Feb 2021",
    ]


def test_counts_by_area_with_boundaries(archive: Path, tmp_path: Path) -> None:
    import geopandas as gpd

    # One square around (-0.47, 51.75) in BNG; the ASB point at -0.56 lies outside it.
    pt = gpd.GeoSeries.from_xy([-0.47], [51.75], crs="EPSG:4326").to_crs("EPSG:27700").iloc[0]
    areas = gpd.GeoDataFrame(
        {"code": ["A1"], "name": ["Town"]}, geometry=[box(pt.x - 500, pt.y - 500, pt.x + 500, pt.y + 500)],
        crs="EPSG:27700",
    )
    path = tmp_path / "areas.geojson"
    areas.to_file(path, driver="GeoJSON")
    code, out, _ = run("counts", "--data", str(archive), "--partnership", "Dacorum", "--boundaries", str(path),
                       "--area-field", "code", "--by", "area", "--format", "json")
    assert code == 0
    counts = {r["area"]: r["count"] for r in json.loads(out)}
    assert counts["A1"] == 3
    assert counts["(outside)"] == 1


def test_counts_rejects_unknown_field_and_type(archive: Path) -> None:
    code, _, err = run("counts", "--data", str(archive), "--by", "colour")
    assert code == 1 and "unknown field(s) ['colour']" in err
    code, _, err = run("counts", "--data", str(archive), "--by", "month", "--crime-type", "Piracy")
    assert code == 1 and "'Piracy' is neither a crime group nor a crime type" in err


def test_counts_on_the_demo_by_default() -> None:
    code, out, _ = run("counts", "--by", "group", "--format", "csv", "--from", "2025-01", "--to", "2025-12")
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert 8_000 < table.loc[table["group"] != "ASB", "count"].sum() < 10_000  # ~9,000 crimes a year
    assert 3_000 < table.loc[table["group"] == "ASB", "count"].sum() < 4_000


def test_validate_exit_codes(archive: Path, tmp_path: Path) -> None:
    code, out, _ = run("validate", str(archive), "--format", "csv")
    assert code == 0
    report = pd.read_csv(io.StringIO(out))
    assert report["accepted"].sum() == 6
    assert report["kind"].str.contains("outcomes").any()
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    code, _, err = run("validate", str(bad))
    assert code == 1
    assert "bad.csv" in err


@pytest.mark.real
def test_done_when_dacorum_2021_counts_by_type(real_data: Path) -> None:
    """The issue's Done-when command prints exactly the README's Dacorum 2021 counts by type."""
    code, out, _ = run("counts", "--data", str(real_data / "policeuk"), "--partnership", "Dacorum",
                       "--from", "2021-01", "--to", "2021-12", "--by", "crime_type", "--format", "csv")
    assert code == 0
    got = dict(pd.read_csv(io.StringIO(out)).values.tolist())
    assert got == {
        "Anti-social behaviour": 3504, "Violence and sexual offences": 3331, "Other theft": 930,
        "Shoplifting": 920, "Criminal damage and arson": 913, "Vehicle crime": 777, "Public order": 620,
        "Burglary": 372, "Drugs": 303, "Other crime": 207, "Bicycle theft": 91, "Theft from the person": 90,
        "Possession of weapons": 75, "Robbery": 57,
    }


@pytest.mark.real
def test_real_config_counts_by_ward(real_data: Path) -> None:
    config = Path(__file__).resolve().parents[1] / "config" / "herts-real.toml"
    code, out, _ = run("counts", "--config", str(config), "--by", "area", "--from", "2021-01", "--to", "2021-12",
                       "--format", "csv")
    assert code == 0
    got = dict(pd.read_csv(io.StringIO(out)).values.tolist())
    assert sum(got.values()) == 12_190
    assert got["E05004705"] == 2141  # Hemel Hempstead Town, the busiest ward in 2021
    assert got["E05004702"] == 649  # Chaulden and Warners End
    assert len(got) == 25 and "(outside)" not in got


def test_counts_of_a_group_police_uk_cannot_give_say_it_is_a_proxy(archive: Path) -> None:
    """Issue 10 point 15: on police.uk files "Dwelling burglary" is all burglary, and the command says so."""
    code, out, err = run("counts", "--data", str(archive), "--partnership", "Dacorum", "--by", "month",
                         "--crime-type", "Dwelling burglary", "--format", "csv")
    assert code == 0
    assert "note: Dwelling burglary is counted as Burglary (all: police.uk has no dwelling split)" in err
    assert out.splitlines() == ["month,count,note", "2021-01,2,", "2021-02,0,"]  # the same as --crime-type Burglary
    code, out_b, err_b = run("counts", "--data", str(archive), "--partnership", "Dacorum", "--by", "month",
                             "--crime-type", "Burglary", "--format", "csv")
    assert (code, out_b) == (0, out) and "proxy" not in err_b and "counted as" not in err_b
