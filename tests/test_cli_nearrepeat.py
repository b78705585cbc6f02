"""`python -m csp_data nearrepeat`: the pinned columns, the planted pattern, and n/a on police.uk data."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from csp_data.cli import main
from csp_data.cli import nearrepeat as cli_nearrepeat
from csp_data.groups import load_crime_groups
from csp_data.model import Dataset, LoadReport
from csp_data.schema import INCIDENT_COLUMNS, conform
from csp_data.tools.demo.nearrepeat import near_repeat_burglaries

COLUMNS = ["space_from", "space_to", "time_from", "time_to", "observed", "expected", "knox_ratio", "p"]


def planted_dataset(*, policeuk: bool = False, has_times: bool = True) -> Dataset:
    frame = near_repeat_burglaries()
    groups = load_crime_groups()
    frame["crime_group"] = groups.assign(frame["crime_type"].astype("string"))
    frame["month"] = frame["date"].dt.to_period("M").dt.to_timestamp()
    frame["area_code"] = "A"
    incidents = conform(frame, INCIDENT_COLUMNS)
    if policeuk:  # months only
        incidents["date"] = pd.NaT
    return Dataset(
        name="planted", is_demo=True, incidents=incidents, groups=groups, report=LoadReport(), has_times=has_times,
        source="police.uk, Open Government Licence v3.0" if policeuk else "Force extract",
    )


def test_columns_pinned_and_pattern_found(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli_nearrepeat, "dataset_from_args", lambda args: planted_dataset())
    argv = ["nearrepeat", "--group", "Burglary", "--from", "2025-11", "--to", "2026-11", "--space", "100,200,400",
            "--time", "7,14,28", "--permutations", "99", "--seed", "1", "--format", "csv"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    out = pd.read_csv(io.StringIO(captured.out))
    assert list(out.columns) == COLUMNS
    assert len(out) == 9
    assert out.loc[0, "knox_ratio"] > 2 and out.loc[0, "p"] == pytest.approx(0.01)  # 1 / (99 + 1)
    assert "times as common as chance would give" in captured.err
    assert "99 permutations of the dates, seed 1" in captured.err


def test_policeuk_data_is_refused_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_nearrepeat, "dataset_from_args", lambda args: planted_dataset(policeuk=True))
    assert main(["nearrepeat", "--group", "Burglary", "--format", "csv"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "n/a" in captured.err and "months only" in captured.err and "snapped" in captured.err


def test_dates_without_times_are_enough(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A force extract with a date column and no time column (Dataset.has_times False) is tested."""
    monkeypatch.setattr(cli_nearrepeat, "dataset_from_args", lambda args: planted_dataset(has_times=False))
    argv = ["nearrepeat", "--group", "Burglary", "--from", "2025-11", "--to", "2026-11", "--permutations", "9",
            "--format", "csv"]
    assert main(argv) == 0
    assert list(pd.read_csv(io.StringIO(capsys.readouterr().out)).columns) == COLUMNS


def test_bad_space_bands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nearrepeat", "--space", "400,100"]) == 1
    assert "--space: expected increasing" in capsys.readouterr().err


def test_partner_safe(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli_nearrepeat, "dataset_from_args", lambda args: planted_dataset())
    argv = ["nearrepeat", "--group", "Burglary", "--from", "2025-11", "--to", "2026-11", "--permutations", "19",
            "--partner-safe", "--format", "csv"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    out = pd.read_csv(io.StringIO(captured.out), dtype=str)
    assert list(out.columns) == COLUMNS
    small = out.loc[out["observed"] == "<5"]
    assert not small.empty  # the planted example has bands with fewer than 5 pairs
    assert (small["knox_ratio"] == "<5").all() and (small["p"] == "<5").all()
    assert out["space_to"].tolist() == ["100", "100", "100", "200", "200", "200", "400", "400", "400"]
