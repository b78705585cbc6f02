"""Partnership selection and area assignment on a hand-built two-square layer, then on real Dacorum data."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from csp_data.areas import (
    assign_areas,
    partnership_boundary,
    partnership_from_lsoa_name,
    select_partnership,
    selection_outline,
)
from csp_data.schema import INCIDENT_COLUMNS, NO_LOCATION, OUTSIDE, conform

# Two 100 m squares side by side: A = [0,100]x[0,100], B = [100,200]x[0,100] (EPSG:27700).
X0, Y0 = 500_000.0, 200_000.0


def squares(crs: str = "EPSG:27700") -> gpd.GeoDataFrame:
    layer = gpd.GeoDataFrame(
        {"area_code": ["A", "B"], "area_name": ["Square A", "Square B"]},
        geometry=[box(X0, Y0, X0 + 100, Y0 + 100), box(X0 + 100, Y0, X0 + 200, Y0 + 100)],
        crs="EPSG:27700",
    )
    return layer.to_crs(crs)


def incidents(rows: list[dict[str, object]]) -> pd.DataFrame:
    return conform(pd.DataFrame(rows), INCIDENT_COLUMNS)


def pt(dx: float, dy: float, **extra: object) -> dict[str, object]:
    return {"x": X0 + dx, "y": Y0 + dy, **extra}


# --- partnership_from_lsoa_name ----------------------------------------------------------------


def test_partnership_from_lsoa_name() -> None:
    names = pd.Series(["Dacorum 012C", "St Albans 001A", "King's Lynn and West Norfolk 003B", None, "  "])
    assert partnership_from_lsoa_name(names).tolist() == [
        "Dacorum",
        "St Albans",
        "King's Lynn and West Norfolk",
        pd.NA,
        pd.NA,
    ]


def test_partnership_from_lsoa_name_keeps_names_without_suffix() -> None:
    assert partnership_from_lsoa_name(pd.Series(["Dacorum", "Area 12"])).tolist() == ["Dacorum", "Area 12"]


# --- assign_areas ------------------------------------------------------------------------------


def test_assign_inside_nearest_outside_no_location() -> None:
    frame = incidents(
        [
            pt(50, 50),  # inside A
            pt(150, 50),  # inside B
            pt(100, 50),  # on the shared edge: exactly one area (A, first in the layer)
            pt(50, 130),  # 30 m above A -> nearest A
            pt(195, -20),  # 20 m below B -> nearest B
            pt(400, 50),  # 200 m beyond B -> outside
            {"x": np.nan, "y": np.nan},  # no location
        ]
    )
    out, notes = assign_areas(frame, squares())
    assert out["area_code"].tolist() == ["A", "B", "A", "A", "B", OUTSIDE, NO_LOCATION]
    assert notes == [
        "3 rows inside an area",
        "2 rows outside every area but within 50 m: given the nearest area (largest distance 30.0 m)",
        "1 row more than 50 m outside every area: (outside)",
        "1 row has no location: (no location)",
    ]
    assert frame["area_code"].isna().all()  # the input is not mutated


def test_assign_tolerance_is_respected() -> None:
    frame = incidents([pt(50, 130)])
    out, _ = assign_areas(frame, squares(), tolerance_m=20)
    assert out["area_code"].tolist() == [OUTSIDE]
    out, _ = assign_areas(frame, squares(), tolerance_m=0)
    assert out["area_code"].tolist() == [OUTSIDE]


def test_assign_reprojects_areas_in_another_crs() -> None:
    out, _ = assign_areas(incidents([pt(50, 50), pt(150, 50)]), squares("EPSG:4326"))
    assert out["area_code"].tolist() == ["A", "B"]


def test_assign_keeps_codes_from_beat_only_extracts() -> None:
    frame = incidents(
        [
            {"area_code": "D1A", "x": np.nan, "y": np.nan},
            {"area_code": "D1A", **pt(150, 50)},  # the source's beat wins over the geometry
            {"area_code": NO_LOCATION, **pt(50, 50)},  # a sentinel is recomputed
        ]
    )
    out, notes = assign_areas(frame, squares())
    assert out["area_code"].tolist() == ["D1A", "D1A", "A"]
    assert notes[0] == "2 rows kept the area code given in the source"


def test_assign_notes_only_the_kept_codes_when_every_row_has_one() -> None:
    frame = incidents([{"area_code": "D1A", **pt(50, 50)}, {"area_code": "D1B", "x": np.nan, "y": np.nan}])
    out, notes = assign_areas(frame, squares())
    assert out["area_code"].tolist() == ["D1A", "D1B"]
    assert notes == ["2 rows kept the area code given in the source"]


def test_assign_checks_inputs() -> None:
    frame = incidents([pt(50, 50)])
    with pytest.raises(ValueError, match="'area_code' is missing"):
        assign_areas(frame, squares().rename(columns={"area_code": "code"}))
    with pytest.raises(ValueError, match="no CRS"):
        assign_areas(frame, squares().set_crs(None, allow_override=True))
    with pytest.raises(ValueError, match="no areas"):
        assign_areas(frame, squares().iloc[0:0])
    with pytest.raises(ValueError, match="tolerance_m must be >= 0; got -1"):
        assign_areas(frame, squares(), tolerance_m=-1)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.floats(-150, 350), st.floats(-150, 250)),
            st.just((np.nan, np.nan)),
        ),
        min_size=0,
        max_size=40,
    )
)
def test_assignment_counts_sum_to_the_number_of_incidents(points: list[tuple[float, float]]) -> None:
    frame = incidents([pt(dx, dy) for dx, dy in points])
    out, notes = assign_areas(frame, squares())
    assert len(out) == len(frame)
    assert out["area_code"].notna().all()
    assert set(out["area_code"]) <= {"A", "B", OUTSIDE, NO_LOCATION}
    counted = sum(int(re.match(r"([\d,]+) row", n).group(1).replace(",", "")) for n in notes)  # type: ignore[union-attr]
    assert counted == len(frame)


# --- partnership_boundary ----------------------------------------------------------------------


def test_partnership_boundary_is_the_union() -> None:
    outline = partnership_boundary(squares("EPSG:4326"))
    assert outline.area == pytest.approx(20_000, rel=1e-3)
    assert outline.geom_type == "Polygon"


# --- select_partnership ------------------------------------------------------------------------


@pytest.fixture
def mixed() -> pd.DataFrame:
    return incidents(
        [
            {"lsoa_code": "E01000001", "lsoa_name": "Dacorum 012C", "partnership": "Dacorum", **pt(50, 50)},
            {"lsoa_code": "E01000002", "lsoa_name": "Dacorum 001A", "partnership": "Dacorum", **pt(130, 50)},
            {
                "lsoa_code": "E01000003",
                "lsoa_name": "St Albans 001A",
                "partnership": "St Albans",
                **pt(230, 50),
            },
            {"lsoa_code": "E01000004", "lsoa_name": "Dacorum North 001A", **pt(600, 50)},
            {"x": np.nan, "y": np.nan},  # no LSOA, no location
            pt(-30, 50),  # no LSOA but a location 30 m west of A
        ]
    )


def test_select_by_name_is_case_insensitive_and_exact(mixed: pd.DataFrame) -> None:
    inside, others, notes = select_partnership(mixed, name="dacorum")
    assert inside["lsoa_code"].tolist() == ["E01000001", "E01000002"]
    assert len(others) == 4
    assert notes == [
        "2 rows in Dacorum by the local-authority part of the LSOA name",
        "4 rows belong to other partnerships or cannot be placed (by LSOA name)",
        "1 row has no LSOA and no location: not attributable to any partnership",
        "1 row has no LSOA but a location: select by boundary to place them",
    ]
    assert list(inside.index) == [0, 1]


def test_select_by_name_derives_partnership_when_column_is_empty(mixed: pd.DataFrame) -> None:
    inside, _, _ = select_partnership(mixed, name="Dacorum North")
    assert inside["lsoa_code"].tolist() == ["E01000004"]


def test_select_by_lad_code(mixed: pd.DataFrame) -> None:
    lookup = pd.DataFrame(
        {"lsoa_code": ["E01000001", "E01000002", "E01000003"], "lad_code": ["E07000096"] * 2 + ["E07000240"]}
    )
    inside, others, notes = select_partnership(mixed, lad_code="E07000096", lsoa_lookup=lookup)
    assert inside["lsoa_code"].tolist() == ["E01000001", "E01000002"]
    assert len(others) == 4
    assert "1 row has an LSOA code missing from the lookup: counted as others" in notes


def test_select_by_lad_code_needs_a_lookup(mixed: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="lad_code needs lsoa_lookup"):
        select_partnership(mixed, lad_code="E07000096")
    with pytest.raises(ValueError, match=r"lsoa_lookup is missing columns \['lad_code'\]"):
        select_partnership(mixed, lad_code="E07000096", lsoa_lookup=pd.DataFrame({"lsoa_code": []}))


def test_select_by_boundary_buffers_50_m(mixed: pd.DataFrame) -> None:
    outline = box(X0, Y0, X0 + 100, Y0 + 100)
    inside, others, notes = select_partnership(mixed, boundary=outline)
    # (50,50) inside; (130,50) 30 m outside -> in; (-30,50) 30 m outside -> in; (230,50) 130 m -> out
    assert inside["x"].tolist() == [X0 + 50, X0 + 130, X0 - 30]
    assert len(others) == 3
    assert notes[0] == "3 rows inside the partnership boundary (buffered by 50 m)"
    assert "1 row has no location: cannot be placed by boundary" in notes


def test_select_needs_exactly_one_selector(mixed: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="exactly one of name, lad_code or boundary; got none"):
        select_partnership(mixed)
    with pytest.raises(ValueError, match=r"got \['name', 'lad_code'\]"):
        select_partnership(mixed, name="Dacorum", lad_code="E07000096")


# --- real data ----------------------------------------------------------------------------------


@pytest.mark.real
def test_real_dacorum_rows_all_assigned_to_the_25_wards(real_data: Path) -> None:
    from csp_data.groups import load_crime_groups
    from csp_data.io.boundaries import load_boundaries
    from csp_data.io.policeuk import load_policeuk

    every, _ = load_policeuk([real_data / "policeuk"], load_crime_groups())
    dacorum, _, notes = select_partnership(every, name="Dacorum")
    assert len(dacorum) == 13_187
    assert notes[-1] == "1,789 rows have no LSOA and no location: not attributable to any partnership"
    wards, _ = load_boundaries(real_data / "boundaries" / "wards_2013_by_lad" / "E07000096.json")
    assert len(wards) == 25
    out, notes = assign_areas(dacorum, wards)
    assert notes[0] == "13,184 rows inside an area"
    assert notes[1].startswith("3 rows outside every area but within 50 m")
    assert "(largest distance 6.6 m)" in notes[1]
    assert out["area_code"].isin(wards["area_code"]).all()
    names = dict(zip(wards["area_code"], wards["area_name"], strict=True))
    nearest = out.loc[~_inside(out, wards), "area_code"].map(names).tolist()
    assert nearest == ["Watling"] * 3
    year = out[out["month"].dt.year == 2021]
    busiest = year["area_code"].map(names).value_counts().head(8).to_dict()
    assert busiest == {
        "Hemel Hempstead Town": 2141,
        "Apsley and Corner Hall": 1058,
        "Adeyfield East": 954,
        "Grovehill": 801,
        "Chaulden and Warners End": 649,
        "Leverstock Green": 634,
        "Boxmoor": 543,
        "Woodhall Farm": 521,
    }


@pytest.mark.real
def test_real_dacorum_by_lad_code_and_by_boundary(real_data: Path) -> None:
    from csp_data.groups import load_crime_groups
    from csp_data.io.boundaries import load_boundaries
    from csp_data.io.policeuk import load_policeuk

    every, _ = load_policeuk([real_data / "policeuk"], load_crime_groups())
    lsoas, _ = load_boundaries(real_data / "boundaries" / "lsoa_2011_by_lad" / "E07000096.json")
    assert len(lsoas) == 94
    lookup = pd.DataFrame({"lsoa_code": lsoas["area_code"], "lad_code": "E07000096"})
    by_lad, _, _ = select_partnership(every, lad_code="E07000096", lsoa_lookup=lookup)
    assert len(by_lad) == 13_187
    wards, _ = load_boundaries(real_data / "boundaries" / "wards_2013_by_lad" / "E07000096.json")
    by_boundary, _, notes = select_partnership(every, boundary=partnership_boundary(wards))
    # every Dacorum row is inside the 50 m buffer; a few neighbours' map points are too
    assert int((by_boundary["partnership"] == "Dacorum").sum()) == 13_187
    assert 13_187 < len(by_boundary) < 13_400
    assert "1,789 rows have no location: cannot be placed by boundary" in notes


def _inside(frame: pd.DataFrame, areas: gpd.GeoDataFrame) -> np.ndarray:
    import shapely

    union = shapely.union_all(areas.geometry.values)
    return shapely.intersects_xy(union, frame["x"].to_numpy(), frame["y"].to_numpy())


def test_selection_outline_selected_areas_else_boundary_else_all_areas() -> None:
    squares = gpd.GeoDataFrame({"area_code": ["A", "B"]}, geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)])
    whole = box(-5, -5, 25, 15)
    ds = SimpleNamespace(areas=squares, boundary=whole)
    assert selection_outline(ds, ("A",)).equals(box(0, 0, 10, 10))
    assert selection_outline(ds, ("A", "B")).area == 200.0  # merged: 2 squares of 100 m²
    assert selection_outline(ds, ()).equals(whole)  # nothing selected: the partnership
    assert selection_outline(ds, ("ZZ",)).equals(whole)  # an unknown code selects nothing
    no_boundary = SimpleNamespace(areas=squares, boundary=None)
    assert selection_outline(no_boundary, ()).equals(box(0, 0, 20, 10))
    assert selection_outline(SimpleNamespace(areas=None, boundary=None), ("A",)) is None
