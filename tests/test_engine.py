"""csp_data.engine: every query equals the pandas baseline (csp_data.aggregate with engine=None)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csp_data.aggregate import (
    FIELDS,
    choropleth_counts,
    count_by,
    grid_counts,
    group_month_counts,
    priority_totals,
)
from csp_data.engine import Engine, sql_in, sql_str
from csp_data.grid import GridSpec
from csp_data.groups import ALL_CRIME, load_crime_groups
from csp_data.periods import Period
from csp_data.query import Query
from csp_data.schema import INCIDENT_COLUMNS, conform

GROUPS = load_crime_groups()
# Current, legacy and force names, a spacing/case variant of a composite's type, and an unknown type.
TYPES = [
    "Burglary",
    "Anti-social behaviour",
    "Violent crime",
    "Robbery",
    "Vehicle crime",
    "Burglary dwelling",
    "  burglary   DWELLING",
    "Theft of pedal cycle",
    "Unknown thing",
]
AREAS = ["A", "B", "O'Brien", "(no location)", None]
PARTS = ["Dacorum", "Watford", "St Albans", None]
MONTHS = [*pd.date_range("2020-09-01", "2021-06-01", freq="MS"), None]


def frame(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["crime_type", "month", "area_code", "partnership", "x", "y"])
    df["crime_group"] = GROUPS.assign(df["crime_type"].astype("string"))
    df["lsoa_code"] = df["area_code"].map(lambda a: None if a is None else f"L{a}")
    return conform(df, INCIDENT_COLUMNS)


coords = st.one_of(st.none(), st.floats(min_value=-500, max_value=1500, allow_nan=False))
row = st.tuples(
    st.sampled_from(TYPES),
    st.sampled_from(MONTHS),
    st.sampled_from(AREAS),
    st.sampled_from(PARTS),
    coords,
    coords,
)
frames = st.lists(row, min_size=0, max_size=40).map(frame)
group_choice = st.one_of(
    st.none(), st.sampled_from([ALL_CRIME, "Burglary", "ASB", "Dwelling burglary", "All theft"])
)
periods = st.sampled_from(
    [
        None,
        Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01")),
        Period(pd.Timestamp("2020-09-01"), pd.Timestamp("2021-06-01")),
    ]
)
area_filters = st.sampled_from([(), ("A",), ("B", "O'Brien"), ("Z",)])
type_filters = st.sampled_from([(), ("Burglary",), ("Burglary dwelling", "Robbery")])
part_filters = st.sampled_from([(), ("Dacorum",), ("Watford", "Luton")])
by_choice = st.lists(st.sampled_from(list(FIELDS)), unique=True, max_size=3)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

P = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01"))
PREV = Period(pd.Timestamp("2020-10-01"), pd.Timestamp("2020-12-01"))


@SETTINGS
@given(frames, by_choice, group_choice, type_filters, periods, area_filters, part_filters, st.booleans())
def test_count_by_engine_equals_baseline(df, by, group, types, period, areas, parts, rollup) -> None:
    kwargs = {
        "groups": GROUPS,
        "group": group,
        "crime_types": types,
        "period": period,
        "areas": areas,
        "partnerships": parts,
    }
    engine = Engine.from_frame(df, rollup=rollup)
    expected = count_by(df, by, **kwargs, known_areas=["K"])
    got = count_by(None, by, **kwargs, known_areas=["K"], engine=engine)
    pd.testing.assert_frame_equal(got, expected)


@SETTINGS
@given(frames, group_choice, area_filters, st.booleans(), part_filters)
def test_choropleth_engine_equals_baseline(df, group, areas, with_comparison, parts) -> None:
    comparison = PREV if with_comparison else None
    kwargs = {
        "groups": GROUPS,
        "period": P,
        "comparison": comparison,
        "group": group,
        "areas": areas,
        "partnerships": parts,
    }
    expected = choropleth_counts(df, **kwargs)
    got = choropleth_counts(None, **kwargs, engine=Engine.from_frame(df))
    pd.testing.assert_frame_equal(got, expected)


@SETTINGS
@given(
    frames, group_choice, periods, st.sampled_from([37.5, 100.0, 333.3]), st.floats(-200, 200), part_filters
)
def test_grid_engine_equals_baseline(df, group, period, cell, x0, parts) -> None:
    grid = GridSpec(x0=x0, y0=-100.0, cell_size=cell, n_cols=7, n_rows=5)
    kwargs = {"groups": GROUPS, "group": group, "period": period, "partnerships": parts}
    expected = grid_counts(df, grid, **kwargs)
    got = grid_counts(None, grid, **kwargs, engine=Engine.from_frame(df))
    pd.testing.assert_frame_equal(got, expected)


@SETTINGS
@given(
    frames, st.lists(st.sampled_from(["Dacorum", "Watford", "Luton"]), min_size=1, max_size=3, unique=True)
)
def test_group_month_counts_engine_equals_baseline(df, parts) -> None:
    names = [ALL_CRIME, "Burglary", "Dwelling burglary", "ASB and criminal damage"]
    expected = group_month_counts(df, groups=GROUPS, partnerships=parts, group_names=names, period=P)
    got = group_month_counts(
        None, groups=GROUPS, partnerships=parts, group_names=names, period=P, engine=Engine.from_frame(df)
    )
    pd.testing.assert_frame_equal(got, expected)


@SETTINGS
@given(frames, area_filters, part_filters, st.booleans())
def test_priority_totals_engine_equals_baseline(df, areas, parts, rollup) -> None:
    kwargs = {
        "groups": GROUPS,
        "group_names": GROUPS.names(),
        "period": P,
        "comparison": PREV,
        "areas": areas,
        "partnerships": parts,
    }
    expected = priority_totals(df, **kwargs)
    got = priority_totals(None, **kwargs, engine=Engine.from_frame(df, rollup=rollup))
    pd.testing.assert_frame_equal(got, expected)


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
        pd.testing.assert_frame_equal(got, count_by(SMALL, ["month", "area"], groups=GROUPS))


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
