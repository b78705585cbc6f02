"""`python -m csp_data hotspots`: output columns and values on a tiny dataset and on the demo."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from shapely.geometry import box

from csp_data.cli import hotspots as cli_hotspots
from csp_data.cli import main
from csp_data.groups import load_crime_groups
from csp_data.model import Dataset, LoadReport
from csp_data.schema import INCIDENT_COLUMNS, conform


def tiny_dataset() -> Dataset:
    """A 500 m x 100 m partnership (five 100 m cells) with 10 burglaries in the middle cell in Jan 2021
    and one robbery in the first cell in Feb 2021."""
    rows = [{"x": 250.0, "y": 50.0, "crime_type": "Burglary", "month": "2021-01-01"}] * 10
    rows.append({"x": 50.0, "y": 50.0, "crime_type": "Robbery", "month": "2021-02-01"})
    frame = pd.DataFrame(rows)
    groups = load_crime_groups()
    frame["crime_group"] = groups.assign(frame["crime_type"].astype("string"))
    frame["area_code"] = "A"
    return Dataset(
        name="tiny",
        is_demo=False,
        incidents=conform(frame, INCIDENT_COLUMNS),
        groups=groups,
        report=LoadReport(),
        boundary=box(0, 0, 500, 100),
    )


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> pd.DataFrame:
    monkeypatch.setattr(cli_hotspots, "dataset_from_args", lambda args: tiny_dataset())
    assert main(["hotspots", *argv, "--format", "csv"]) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out))


def test_count_rows_per_cell(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_cli(
        monkeypatch, capsys, "--method", "count", "--cell-size", "100", "--from", "2021-01", "--to", "2021-02"
    )
    assert list(out.columns) == ["cell_id", "x", "y", "count"]
    assert out["x"].tolist() == [50, 150, 250, 350, 450]
    assert out["y"].tolist() == [50] * 5
    assert out["count"].tolist() == [1, 0, 10, 0, 0]


def test_crime_type_and_period_filters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_cli(
        monkeypatch, capsys, "--method", "count", "--cell-size", "100", "--crime-type", "Robbery",
        "--from", "2021-01", "--to", "2021-02",
    )  # fmt: skip
    assert out["count"].tolist() == [1, 0, 0, 0, 0]
    jan = run_cli(
        monkeypatch, capsys, "--method", "count", "--cell-size", "100", "--from", "2021-01", "--to", "2021-01"
    )
    assert jan["count"].sum() == 10


def test_gistar_columns_and_known_z(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_cli(monkeypatch, capsys, "--method", "gistar", "--cell-size", "100", "--to", "2021-01")
    assert list(out.columns) == ["cell_id", "x", "y", "count", "z", "p", "class"]
    r = (2 / 3) ** 0.5  # the strip 0 0 10 0 0 (see tests/test_hotspots.py)
    assert out["z"].tolist() == pytest.approx([-r, r, r, r, -r])
    assert (out["class"] == "Not significant").all()


def test_kde_has_density(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_cli(
        monkeypatch, capsys, "--method", "kde", "--cell-size", "100", "--from", "2021-01", "--to", "2021-02"
    )
    assert list(out.columns) == ["cell_id", "x", "y", "count", "density"]
    assert out["density"].iloc[2] == out["density"].max()


def test_gistar_refuses_hexagons(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli_hotspots, "dataset_from_args", lambda args: tiny_dataset())
    assert main(["hotspots", "--method", "gistar", "--shape", "hex"]) == 1
    assert "Gi* needs a square grid" in capsys.readouterr().err


def test_no_boundary_is_an_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    ds = tiny_dataset()
    ds.boundary = None
    monkeypatch.setattr(cli_hotspots, "dataset_from_args", lambda args: ds)
    assert main(["hotspots", "--method", "count"]) == 1
    assert "no partnership outline" in capsys.readouterr().err


def test_method_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["hotspots"])
    assert "--method" in capsys.readouterr().err


def test_demo_gistar_finds_the_planted_town_centre(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hotspots", "--method", "gistar", "--format", "csv"]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    # the demo's persistent Hemel Hempstead town-centre hot spot is centred on (505400, 207400)
    nearest = ((out["x"] - 505_400) ** 2 + (out["y"] - 207_400) ** 2).idxmin()
    assert out.loc[nearest, "class"] == "Hot spot 99%"
