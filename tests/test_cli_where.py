"""`concentration`, `capture` and `stability` commands: pinned columns on a tiny dataset worked by hand,
and on the real Hertfordshire data the grid Gini against `hotspots --method count`."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from csp_data.cli import capture as cli_capture
from csp_data.cli import concentration as cli_concentration
from csp_data.cli import main
from csp_data.cli import stability as cli_stability
from csp_data.groups import load_crime_groups
from csp_data.model import Dataset, LoadReport
from csp_data.schema import INCIDENT_COLUMNS, conform

ROOT = Path(__file__).resolve().parents[1]
HERTS = ROOT / "config" / "herts-real.toml"
REAL = ROOT.parent / "shared" / "data" / "real" / "policeuk"


def tiny() -> Dataset:
    """A 500 m x 100 m partnership (five 100 m cells): Jan 2021 7 burglaries in cell 2 and 1 in cell 0;
    Feb 2021 2 in cell 4."""
    rows = [{"x": 250.0, "y": 50.0, "month": "2021-01-01"}] * 7 + [{"x": 50.0, "y": 50.0, "month": "2021-01-01"}]
    rows += [{"x": 450.0, "y": 50.0, "month": "2021-02-01"}] * 2
    frame = pd.DataFrame(rows).assign(crime_type="Burglary", area_code="A")
    groups = load_crime_groups()
    frame["crime_group"] = groups.assign(frame["crime_type"].astype("string"))
    return Dataset(name="tiny", is_demo=False, incidents=conform(frame, INCIDENT_COLUMNS), groups=groups,
                   report=LoadReport(), boundary=box(0, 0, 500, 100))


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> pd.DataFrame:
    for module in (cli_concentration, cli_capture, cli_stability):
        monkeypatch.setattr(module, "dataset_from_args", lambda args: tiny())
    assert main([*argv, "--cell-size", "100", "--format", "csv"]) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out))


def test_concentration_columns_and_values(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(monkeypatch, capsys, "concentration", "--from", "2021-01", "--to", "2021-02")
    assert list(out.columns) == ["unit", "units", "incidents", "gini", "gini_generalised", "gini_poisson",
                                 "l10", "l20", "l50", "top5_share", "top10_share"]
    row = out.iloc[0]
    # counts 1, 0, 7, 0, 2 -> ascending 0, 0, 1, 2, 7: G = 2*46/(5*10) - 6/5 = 0.64; L50: 1 of 5 cells
    assert (row["units"], row["incidents"]) == (5, 10)
    assert row["gini"] == pytest.approx(0.64) and row["l50"] == pytest.approx(20.0)
    assert row["top5_share"] == pytest.approx(70.0)
    curve = run(monkeypatch, capsys, "concentration", "--curve", "--from", "2021-01", "--to", "2021-02")
    assert list(curve.columns) == ["rank", "unit_share", "incident_share"]
    assert curve["incident_share"].tolist() == pytest.approx([0, 70, 90, 100, 100, 100])


def test_capture_columns_and_values(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(monkeypatch, capsys, "capture", "--km2", "0.5", "--from", "2021-01", "--to", "2021-02")
    assert list(out.columns) == ["km2", "cells", "incidents", "share"]
    # 0.5 km² holds all five 0.01 km² cells; the three with incidents are taken: 10 of 10
    assert out.iloc[0].tolist() == [0.5, 3, 10, 100.0]


def test_stability_columns(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(monkeypatch, capsys, "stability", "--window", "1", "--top", "20")
    assert list(out.columns) == ["window", "next_window", "top_pct", "hot_cells", "cells", "incidents",
                                 "next_incidents", "hit_rate", "pai", "rri", "spearman"]
    # Jan's top 20% of 5 cells = 1 cell (cell 2, 7 incidents); none of Feb's 2 fell there: the hot spot moved
    row = out.iloc[0]
    assert (row["window"], row["next_window"], row["hot_cells"], row["hit_rate"]) == ("Jan 2021", "Feb 2021", 1, 0)


@pytest.mark.skipif(not REAL.exists(), reason="the real police.uk data (../shared/data/real) is not here")
def test_real_grid_gini_matches_the_hotspots_count_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hotspots", "--config", str(HERTS), "--method", "count", "--cell-size", "500", "--format", "csv"]) == 0
    cells = pd.read_csv(io.StringIO(capsys.readouterr().out))
    x = np.sort(cells["count"].to_numpy(dtype=float))  # the plain formula, zeros included
    n = len(x)
    expected = 2 * (np.arange(1, n + 1) * x).sum() / (n * x.sum()) - (n + 1) / n
    assert main(["concentration", "--config", str(HERTS), "--cell-size", "500", "--format", "csv"]) == 0
    row = pd.read_csv(io.StringIO(capsys.readouterr().out)).iloc[0]
    assert (row["units"], row["incidents"]) == (n, int(x.sum()))
    assert row["gini"] == pytest.approx(expected, abs=1e-12)
    assert 0 < row["l50"] < 50  # crime is concentrated: half of it in under half the cells
