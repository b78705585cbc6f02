"""csp_data.engine: building engines, SQL helpers, and the queries the aggregate oracles do not cover
(the grid cells against the former SQL rule; csp_data.aggregate against its oracles: test_aggregate.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csp_data.aggregate import count_by
from csp_data.engine import Engine, sql_in, sql_str
from csp_data.grid import GridSpec
from csp_data.groups import ALL_CRIME
from csp_data.query import Query
from tests.counting_fixtures import GROUPS, SETTINGS, frame, frames, group_choice, part_filters, periods
from tests.oracles import aggregate_reference as oracle


def _sorted(raw: pd.DataFrame) -> pd.DataFrame:
    out = raw.astype({"col": "int64", "row": "int64", "count": "int64"})
    return out.sort_values(["row", "col"]).reset_index(drop=True)


@SETTINGS
@given(
    frames, group_choice, periods, st.sampled_from([37.5, 100.0, 333.3]), st.floats(-200, 200), part_filters
)
def test_grid_counts_equal_the_sql_floor_rule(df, group, period, cell, x0, parts) -> None:
    grid = GridSpec(x0=x0, y0=-100.0, cell_size=cell, n_cols=7, n_rows=5)
    engine = Engine.from_frame(df)
    sel = Query.of(group, (), period, (), parts)
    expected = oracle.sql_grid_counts(engine, grid, groups=GROUPS, selection=sel)
    pd.testing.assert_frame_equal(_sorted(engine.grid_counts(grid, groups=GROUPS, selection=sel)), _sorted(expected))


@SETTINGS
@given(frames, st.sampled_from([37.5, 100.0, 333.3]))
def test_hex_grid_counts_use_the_cell_rule(df, cell) -> None:
    grid = GridSpec(x0=-300.0, y0=-100.0, cell_size=cell, n_cols=9, n_rows=8, shape="hex")
    raw = Engine.from_frame(df).grid_counts(grid, groups=GROUPS, selection=Query())
    idx = grid.cell_index(df["x"].to_numpy(dtype=float), df["y"].to_numpy(dtype=float))
    cells, counts = np.unique(idx[idx >= 0], return_counts=True)
    got = _sorted(raw)
    assert (got["row"] * grid.n_cols + got["col"]).tolist() == cells.tolist()
    assert got["count"].tolist() == counts.tolist()


SMALL = frame(
    [
        ("Burglary", pd.Timestamp("2021-01-01"), "A", "Dacorum", 10.0, 10.0),
        ("  burglary   DWELLING", pd.Timestamp("2021-02-01"), "O'Brien", "Dacorum", None, None),
        ("Anti-social behaviour", pd.Timestamp("2021-02-01"), "B", "Watford", 5.0, 5.0),
    ]
)


def test_hand_computed_counts() -> None:
    engine = Engine.from_frame(SMALL)
    out = count_by(None, ["area"], groups=GROUPS, group="Dwelling burglary", engine=engine)
    assert out.to_dict("list") == {"area": ["A", "B", "O'Brien"], "count": [0, 0, 1]}
    assert engine.n_rows == 3
    assert engine.month_bounds() == (pd.Timestamp("2021-01-01"), pd.Timestamp("2021-02-01"))
    assert sorted(engine.crime_types())[0] == "  burglary   DWELLING"


def test_group_sql_matches_types_like_the_config() -> None:
    engine = Engine.from_frame(SMALL)
    sql = engine.group_sql(GROUPS, "Dwelling burglary")
    assert "'  burglary   DWELLING'" in sql
    assert engine.group_sql(GROUPS, "ASB") == "coalesce(crime_group IN ('ASB'), FALSE)"


def test_fetch_bounded() -> None:
    engine = Engine.from_frame(SMALL)
    out = engine.fetch(["x", "y"], groups=GROUPS, selection=Query.of(group=ALL_CRIME), limit=1)
    assert len(out) == 1
    everything = engine.fetch(["x"], groups=GROUPS, selection=Query.of(partnerships=["Watford"]))
    assert everything["x"].tolist() == [5.0]


def test_fetch_checks_columns() -> None:
    with pytest.raises(ValueError, match=r"columns: unknown column\(s\) \['crime_id'\]"):
        Engine.from_frame(SMALL).fetch(["crime_id"], groups=GROUPS, selection=Query())


def test_from_frame_checks_columns() -> None:
    with pytest.raises(ValueError, match=r"incidents: missing column\(s\) \['x', 'y'\]"):
        Engine.from_frame(SMALL.drop(columns=["x", "y"]))


def test_sql_literals() -> None:
    assert sql_str("O'Brien") == "'O''Brien'"
    assert sql_in("c", []) == "FALSE"
    assert sql_in("c", ["b", "a", "a"]) == "c IN ('a', 'b')"


def test_from_parquet_equals_frame(tmp_path: Path) -> None:
    path = tmp_path / "inc.parquet"
    SMALL.to_parquet(path)
    for engine in (Engine.from_parquet(path), Engine.from_parquet(tmp_path, materialize=True)):
        got = count_by(None, ["month", "area"], groups=GROUPS, engine=engine)
        pd.testing.assert_frame_equal(got, oracle.count_by(SMALL, ["month", "area"], groups=GROUPS))


def test_from_parquet_checks_paths(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        Engine.from_parquet(tmp_path / "nope.parquet")
    with pytest.raises(ValueError, match="no Parquet files found"):
        Engine.from_parquet(tmp_path)


def test_relation_checks_columns() -> None:
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE incidents AS SELECT 1 AS month")
    with pytest.raises(ValueError, match=r"engine relation 'incidents': missing column\(s\)"):
        Engine(con)
