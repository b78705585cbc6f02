"""benchmarks/generate.py: police.uk-format benchmark data (layout, columns, quirks, determinism)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.generate import COLUMNS, crime_ids, generate, make_geography, month_rows, parse_rows


@pytest.mark.parametrize(
    ("text", "rows"), [("100k", 100_000), ("1M", 1_000_000), ("20M", 20_000_000), ("2500", 2500)]
)
def test_parse_rows(text: str, rows: int) -> None:
    assert parse_rows(text) == rows


@pytest.mark.parametrize(
    ("text", "message"), [("lots", "expected a row count"), ("0", "expected at least 1 row")]
)
def test_parse_rows_checks(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rows(text)


def test_month_rows_sum_exactly() -> None:
    counts = month_rows(1001, 36)
    assert counts.sum() == 1001 and len(counts) == 36 and counts.min() > 0


def test_crime_ids_are_64_hex() -> None:
    ids = crime_ids(np.random.default_rng(0), 3)
    assert [len(i) for i in ids] == [64, 64, 64]
    assert all(set(i.decode()) <= set("0123456789abcdef") for i in ids)


def test_generate_archive_layout_and_quirks(tmp_path: Path) -> None:
    files = generate(20_000, tmp_path, n_months=2, quiet=True)
    assert {f.parent.name for f in files} == {"2021-01", "2021-02"}
    assert all(f.name.startswith(f.parent.name + "-") and f.name.endswith("-street.csv") for f in files)
    frame = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)
    assert list(frame.columns) == COLUMNS
    assert len(frame) == 20_000
    asb = frame["Crime type"] == "Anti-social behaviour"
    assert (frame.loc[asb, "Crime ID"] == "").all() and (frame.loc[~asb, "Crime ID"] != "").all()
    no_location = frame["Longitude"] == ""
    assert 0.03 < no_location.mean() < 0.05  # about 4%
    assert (frame.loc[no_location, "LSOA name"] == "").all()
    assert frame.loc[~no_location, "Location"].str.startswith("On or near ").all()
    # snapped locations: every coordinate pair is one of the geography's fixed map points
    geo = make_geography(0)
    points = set(zip(geo.point_lon.round(6), geo.point_lat.round(6), strict=True))
    located = frame.loc[~no_location, ["Longitude", "Latitude"]].astype(float)
    assert all(p in points for p in zip(located["Longitude"], located["Latitude"], strict=True))
    # a force's file holds one force
    one = pd.read_csv(files[0], dtype=str)
    assert one["Falls within"].nunique() == 1


def test_generate_is_deterministic(tmp_path: Path) -> None:
    a = generate(500, tmp_path / "a", n_months=1, quiet=True)
    b = generate(500, tmp_path / "b", n_months=1, quiet=True)
    assert [f.read_bytes() for f in a] == [f.read_bytes() for f in b]
