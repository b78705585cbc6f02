"""csp_data.aggregate: tiny hand-computed inputs, and the engine against the pandas oracles
(tests/oracles/aggregate_reference.py) on generated frames."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csp_data.aggregate import (
    choropleth_counts,
    count_by,
    grid_counts,
    group_month_counts,
    priority_totals,
)
from csp_data.engine import Engine
from csp_data.grid import GridSpec
from csp_data.groups import ALL_CRIME, load_crime_groups
from csp_data.periods import Period
from csp_data.schema import INCIDENT_COLUMNS, conform
from tests.counting_fixtures import (
    SETTINGS,
    area_filters,
    by_choice,
    frames,
    group_choice,
    part_filters,
    periods,
    type_filters,
)
from tests.oracles import aggregate_reference as oracle

GROUPS = load_crime_groups()


def incidents(rows: list[tuple[str, str, str, str | None, float | None, float | None]]) -> pd.DataFrame:
    """(crime_type, month, area_code, partnership, x, y) -> canonical incidents."""
    frame = pd.DataFrame(rows, columns=["crime_type", "month", "area_code", "partnership", "x", "y"])
    frame["crime_group"] = GROUPS.assign(frame["crime_type"].astype("string"))
    frame["lsoa_code"] = frame["area_code"].map(lambda a: None if a is None else f"L{a}")
    return conform(frame, INCIDENT_COLUMNS)


P = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01"))
PREV = Period(pd.Timestamp("2020-10-01"), pd.Timestamp("2020-12-01"))

SMALL = incidents(
    [
        ("Burglary", "2021-01", "A", "Dacorum", 50.0, 50.0),
        ("Burglary", "2021-01", "A", "Dacorum", 150.0, 50.0),
        ("Anti-social behaviour", "2021-01", "B", "Dacorum", 250.0, 150.0),
        ("Robbery", "2021-03", "B", "Dacorum", 99.9, 199.9),
        ("Drugs", "2021-03", None, "Watford", None, None),
        ("Burglary dwelling", "2020-11", "A", "Watford", 0.0, 0.0),
        ("Vehicle crime", "2020-12", "C", "Watford", 300.0, 300.0),
    ]
)


class TestCountByChecksInputs:
    def test_unknown_field(self) -> None:
        with pytest.raises(ValueError, match=r"by\[1\]: unknown field 'ward'"):
            count_by(SMALL, ["month", "ward"], groups=GROUPS)

    def test_string_instead_of_list(self) -> None:
        with pytest.raises(
            ValueError, match="by: expected a sequence of field names, got the string 'month'"
        ):
            count_by(SMALL, "month", groups=GROUPS)

    def test_repeated_field(self) -> None:
        with pytest.raises(ValueError, match=r"by: field\(s\) \['area'\] given more than once"):
            count_by(SMALL, ["area", "month", "area"], groups=GROUPS)

    def test_missing_column(self) -> None:
        with pytest.raises(ValueError, match=r"incidents: missing column\(s\) \['partnership'\]"):
            count_by(SMALL.drop(columns=["partnership"]), ["partnership"], groups=GROUPS)

    def test_no_frame_and_no_engine(self) -> None:
        with pytest.raises(ValueError, match="incidents: a DataFrame is required when no engine is given"):
            count_by(None, ["month"], groups=GROUPS)

    def test_unknown_group(self) -> None:
        with pytest.raises(ValueError, match="unknown crime group 'Burglaries'"):
            count_by(SMALL, ["month"], groups=GROUPS, group="Burglaries")

    def test_areas_as_string(self) -> None:
        with pytest.raises(ValueError, match="areas: expected a sequence of strings, got the string 'A'"):
            count_by(SMALL, ["area"], groups=GROUPS, areas="A")

    def test_crime_types_as_string(self) -> None:
        with pytest.raises(ValueError, match="crime_types: expected a sequence of strings"):
            count_by(SMALL, ["area"], groups=GROUPS, crime_types="Burglary")

    def test_known_areas_as_string(self) -> None:
        with pytest.raises(ValueError, match="known_areas: expected a sequence of strings"):
            count_by(SMALL, ["area"], groups=GROUPS, known_areas="Z")


class TestCountByOutputs:
    def test_columns_and_dtypes(self) -> None:
        out = count_by(SMALL, ["crime_type", "group", "month", "area", "lsoa", "partnership"], groups=GROUPS)
        assert list(out.columns) == ["crime_type", "group", "month", "area", "lsoa", "partnership", "count"]
        assert str(out["month"].dtype) == "datetime64[ns]"
        assert out["count"].dtype == "int64"
        assert out["count"].sum() == len(SMALL)

    def test_months_zero_filled_over_all_months(self) -> None:
        out = count_by(SMALL, ["month"], groups=GROUPS)
        assert out["month"].dt.strftime("%Y-%m").tolist() == [
            "2020-11",
            "2020-12",
            "2021-01",
            "2021-02",
            "2021-03",
        ]
        assert out["count"].tolist() == [1, 1, 3, 0, 2]

    def test_months_of_period_with_group(self) -> None:
        out = count_by(SMALL, ["month"], groups=GROUPS, group="Burglary", period=P)
        assert out["count"].tolist() == [2, 0, 0]

    def test_all_crime_excludes_asb(self) -> None:
        out = count_by(SMALL, [], groups=GROUPS, group=ALL_CRIME, period=P)
        assert out["count"].tolist() == [4]  # 2 burglary, robbery, drugs; ASB left out

    def test_no_group_includes_asb(self) -> None:
        assert count_by(SMALL, [], groups=GROUPS, period=P)["count"].tolist() == [5]

    def test_areas_zero_filled_and_missing_last(self) -> None:
        out = count_by(SMALL, ["area"], groups=GROUPS, group="Robbery", known_areas=["Z"])
        assert out["area"].tolist() == ["A", "B", "C", "Z"]
        assert out["count"].tolist() == [0, 1, 0, 0]

    def test_partnership_filter_lists_its_areas(self) -> None:
        out = count_by(SMALL, ["area"], groups=GROUPS, partnerships=["Watford"])
        assert out["area"].tolist()[:2] == ["A", "C"] and pd.isna(out["area"].iloc[2])
        assert out["count"].tolist() == [1, 1, 1]

    def test_partnerships_as_string(self) -> None:
        with pytest.raises(ValueError, match="partnerships: expected a sequence of strings"):
            count_by(SMALL, ["area"], groups=GROUPS, partnerships="Watford")

    def test_area_filter_lists_only_those_areas(self) -> None:
        out = count_by(SMALL, ["area"], groups=GROUPS, areas=["C", "A"])
        assert out["area"].tolist() == ["A", "C"]
        assert out["count"].tolist() == [3, 1]

    def test_missing_area_kept_last(self) -> None:
        out = count_by(SMALL, ["area"], groups=GROUPS, period=P)
        assert out["area"].tolist()[:3] == ["A", "B", "C"]
        assert pd.isna(out["area"].iloc[3])
        assert out["count"].tolist() == [2, 2, 0, 1]

    def test_composite_with_types(self) -> None:
        # "Dwelling burglary" is made of force categories: only the "Burglary dwelling" row matches
        out = count_by(SMALL, ["partnership"], groups=GROUPS, group="Dwelling burglary")
        assert out.to_dict("list") == {"partnership": ["Watford"], "count": [1]}

    def test_crime_types_narrow(self) -> None:
        out = count_by(SMALL, ["crime_type"], groups=GROUPS, group="Burglary", crime_types=["Burglary"])
        assert out.to_dict("list") == {"crime_type": ["Burglary"], "count": [2]}

    def test_does_not_mutate(self) -> None:
        before = SMALL.copy()
        count_by(SMALL, ["area", "month"], groups=GROUPS, group="Burglary", period=P)
        pd.testing.assert_frame_equal(SMALL, before)

    def test_empty_incidents(self) -> None:
        out = count_by(SMALL.iloc[0:0], ["month"], groups=GROUPS)
        assert out.empty and list(out.columns) == ["month", "count"]


def test_choropleth_counts() -> None:
    out = choropleth_counts(
        SMALL, groups=GROUPS, period=P, comparison=PREV, group=ALL_CRIME, known_areas=["Z"]
    )
    assert out.to_dict("list") == {
        "area_code": ["A", "B", "C", "Z"],
        "current": [2, 1, 0, 0],
        "previous": [1, 0, 1, 0],
    }


def test_choropleth_without_comparison() -> None:
    out = choropleth_counts(SMALL, groups=GROUPS, period=P, areas=["B"])
    assert out.to_dict("list") == {"area_code": ["B"], "current": [2], "previous": [0]}


def test_grid_counts() -> None:
    grid = GridSpec(x0=0.0, y0=0.0, cell_size=100.0, n_cols=3, n_rows=2)
    out = grid_counts(SMALL, grid, groups=GROUPS, period=P)
    # (50,50)->(0,0); (150,50)->(1,0); (250,150)->(2,1); (99.9,199.9)->(0,1); no-location row skipped
    assert out["count"].to_numpy().reshape(2, 3).tolist() == [[1, 1, 0], [1, 0, 1]]
    assert list(out.columns) == ["col", "row", "count"]


def test_grid_excludes_outside_points() -> None:
    grid = GridSpec(x0=100.0, y0=0.0, cell_size=100.0, n_cols=1, n_rows=1)
    assert grid_counts(SMALL, grid, groups=GROUPS)["count"].tolist() == [1]


def test_group_month_counts() -> None:
    out = group_month_counts(
        SMALL, groups=GROUPS, partnerships=["Dacorum", "Luton"], group_names=["Burglary", ALL_CRIME], period=P
    )
    assert len(out) == 2 * 3 * 2
    dac = out[out["partnership"] == "Dacorum"].set_index(["month", "group"])["count"]
    assert dac[(pd.Timestamp("2021-01-01"), "Burglary")] == 2
    assert dac[(pd.Timestamp("2021-01-01"), ALL_CRIME)] == 2
    assert dac[(pd.Timestamp("2021-03-01"), ALL_CRIME)] == 1
    assert out[out["partnership"] == "Luton"]["count"].sum() == 0
    assert out["partnership"].tolist()[:6] == ["Dacorum"] * 6


def test_group_month_counts_checks() -> None:
    with pytest.raises(ValueError, match="partnerships, group_names: expected sequences of strings"):
        group_month_counts(SMALL, groups=GROUPS, partnerships="Dacorum", group_names=["Burglary"], period=P)


def test_priority_totals() -> None:
    out = priority_totals(
        SMALL,
        groups=GROUPS,
        group_names=["Burglary", "Dwelling burglary", "ASB", ALL_CRIME],
        period=P,
        comparison=PREV,
    )
    assert out.to_dict("list") == {
        "group": ["Burglary", "Dwelling burglary", "ASB", ALL_CRIME],
        "current": [2, 0, 1, 4],
        "previous": [1, 1, 0, 2],
    }


def test_priority_totals_checks() -> None:
    with pytest.raises(ValueError, match="group_names: expected a sequence of strings"):
        priority_totals(SMALL, groups=GROUPS, group_names="ASB", period=P, comparison=PREV)
    with pytest.raises(ValueError, match="unknown crime group 'Nope'"):
        priority_totals(SMALL, groups=GROUPS, group_names=["Nope"], period=P, comparison=PREV)


# ----------------------------------------------------------------------- the engine against the oracles


@SETTINGS
@given(frames, by_choice, group_choice, type_filters, periods, area_filters, part_filters, st.booleans())
def test_count_by_equals_oracle(df, by, group, types, period, areas, parts, rollup) -> None:
    kwargs = {
        "groups": GROUPS,
        "group": group,
        "crime_types": types,
        "period": period,
        "areas": areas,
        "partnerships": parts,
    }
    expected = oracle.count_by(df, by, **kwargs, known_areas=["K"])
    engine = Engine.from_frame(df, rollup=rollup)
    pd.testing.assert_frame_equal(count_by(None, by, **kwargs, known_areas=["K"], engine=engine), expected)
    pd.testing.assert_frame_equal(count_by(df, by, **kwargs, known_areas=["K"]), expected)


@SETTINGS
@given(frames, group_choice, area_filters, st.booleans(), part_filters)
def test_choropleth_equals_oracle(df, group, areas, with_comparison, parts) -> None:
    comparison = PREV if with_comparison else None
    kwargs = {
        "groups": GROUPS,
        "period": P,
        "comparison": comparison,
        "group": group,
        "areas": areas,
        "partnerships": parts,
    }
    expected = oracle.choropleth_counts(df, **kwargs)
    pd.testing.assert_frame_equal(choropleth_counts(None, **kwargs, engine=Engine.from_frame(df)), expected)
    pd.testing.assert_frame_equal(choropleth_counts(df, **kwargs), expected)


@SETTINGS
@given(
    frames, group_choice, periods, st.sampled_from([37.5, 100.0, 333.3]), st.floats(-200, 200), part_filters
)
def test_grid_equals_oracle(df, group, period, cell, x0, parts) -> None:
    grid = GridSpec(x0=x0, y0=-100.0, cell_size=cell, n_cols=7, n_rows=5)
    kwargs = {"groups": GROUPS, "group": group, "period": period, "partnerships": parts}
    expected = oracle.grid_counts(df, grid, **kwargs)
    pd.testing.assert_frame_equal(grid_counts(None, grid, **kwargs, engine=Engine.from_frame(df)), expected)
    pd.testing.assert_frame_equal(grid_counts(df, grid, **kwargs), expected)


@SETTINGS
@given(
    frames, st.lists(st.sampled_from(["Dacorum", "Watford", "Luton"]), min_size=1, max_size=3, unique=True)
)
def test_group_month_counts_equals_oracle(df, parts) -> None:
    names = [ALL_CRIME, "Burglary", "Dwelling burglary", "ASB and criminal damage"]
    kwargs = {"groups": GROUPS, "partnerships": parts, "group_names": names, "period": P}
    expected = oracle.group_month_counts(df, **kwargs)
    pd.testing.assert_frame_equal(group_month_counts(None, **kwargs, engine=Engine.from_frame(df)), expected)
    pd.testing.assert_frame_equal(group_month_counts(df, **kwargs), expected)


@SETTINGS
@given(frames, area_filters, part_filters, st.booleans())
def test_priority_totals_equals_oracle(df, areas, parts, rollup) -> None:
    kwargs = {
        "groups": GROUPS,
        "group_names": GROUPS.names(),
        "period": P,
        "comparison": PREV,
        "areas": areas,
        "partnerships": parts,
    }
    expected = oracle.priority_totals(df, **kwargs)
    got = priority_totals(None, **kwargs, engine=Engine.from_frame(df, rollup=rollup))
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(priority_totals(df, **kwargs), expected)


def test_a_frame_with_only_the_needed_columns() -> None:
    """Without an engine the frame needs only the columns the query reads (the others are added empty)."""
    df = SMALL[["crime_type", "crime_group", "month", "area_code"]]
    pd.testing.assert_frame_equal(
        count_by(df, ["month"], groups=GROUPS), oracle.count_by(df, ["month"], groups=GROUPS)
    )
