"""Issue 10 (points 6-10) end to end, and hostile boundary files and force extracts.

Each test builds a dataset from a config the way the app and the CLI do, with files generated here, and
checks what the user is told (the load report's files and notes) and that nothing else changed. The
property-based tests mutate valid files (random bytes, truncation, stray quotes, delimiter swaps,
dropped columns): every loader call ends in data whose accepted + rejected rows equal the input's rows
(features), or in a ValueError naming the file -- never another exception.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csp_data.groups import load_crime_groups
from csp_data.io.boundaries import load_boundaries
from csp_data.io.dataset import build_dataset, parse_config
from csp_data.io.force import ColumnMapping, load_force_extract
from csp_data.schema import OUTSIDE

X0, Y0 = 500_000.0, 200_000.0
GROUPS = load_crime_groups()


def square(x: float, y: float, size: float = 1000.0) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def wards(path: Path, geometries: list[dict[str, object] | None], *, crs: bool = True) -> Path:
    doc: dict[str, object] = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": f"W{i + 1}", "name": f"Ward {i + 1}"}, "geometry": g}
            for i, g in enumerate(geometries)
        ],
    }
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def polygon(x: float, y: float) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [square(x, y)]}


def extract(path: Path, points: list[tuple[float, float]], dates: list[str] | None = None) -> Path:
    dates = dates or ["17/03/2021"] * len(points)
    lines = ["Ref,Beat,Category,Date,Easting,Northing"]
    lines += [f"R{i},B1,Burglary,{d},{x:.0f},{y:.0f}" for i, ((x, y), d) in enumerate(zip(points, dates, strict=True))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def street(path: Path, points: list[tuple[float, float]]) -> Path:
    """A police.uk street file with one crime at each British-grid point."""
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(
        [p[0] for p in points], [p[1] for p in points]
    )
    lines = ["Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
             "Last outcome category,Context"]
    lines += [f"c{i},2021-03,Force,Force,{a:.6f},{b:.6f},On or near X,E01000001,Testshire 001A,Burglary,,"
              for i, (a, b) in enumerate(zip(lon, lat, strict=True))]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def street_config(extra: str = "") -> dict[str, object]:
    import tomllib

    return tomllib.loads(
        'name = "Test"\npartnership = "Testshire"\npartnership_by = "all"\n'
        '[incidents]\npaths = ["2021-03/2021-03-test-street.csv"]\n'
        '[boundaries]\npath = "wards.json"\ncode_field = "code"\nname_field = "name"\n' + extra
    )


def config(tmp_path: Path, extra: str = "", columns: str = "") -> dict[str, object]:
    import tomllib

    text = (
        'name = "Test"\npartnership = "Testshire"\n'
        '[incidents]\nformat = "force"\npaths = ["extract.csv"]\n'
        '[incidents.columns]\narea = "Beat"\ncrime_type = "Category"\ndate = "Date"\nx = "Easting"\n'
        f'y = "Northing"\ncrime_id = "Ref"\n{columns}'
        '[boundaries]\npath = "wards.json"\ncode_field = "code"\nname_field = "name"\n' + extra
    )
    return tomllib.loads(text)


def test_rejected_polygon_reaches_the_report_and_explains_the_outside_rows(tmp_path: Path) -> None:
    wards(tmp_path / "wards.json", [polygon(X0, Y0), None, polygon(X0 + 2000, Y0)])
    # 2 incidents in W1, 3 where W2 (no geometry) would be, 1 in W3
    points = [(X0 + 500, Y0 + 500)] * 2 + [(X0 + 1500, Y0 + 500)] * 3 + [(X0 + 2500, Y0 + 500)]
    street(tmp_path / "2021-03" / "2021-03-test-street.csv", points)
    dataset = build_dataset(parse_config(street_config(), base=tmp_path))
    boundary = next(f for f in dataset.report.files if f.kind == "boundaries")
    assert (boundary.accepted, boundary.rejected) == (2, 1)
    assert dict(boundary.reasons) == {"feature has no geometry": 1}
    assert [(i.row, i.column) for i in boundary.issues if i.row is not None] == [(2, "geometry")]
    assert "feature 'W2' rejected" in next(i.message for i in boundary.issues if i.row is not None)
    assert dataset.incidents["area_code"].tolist() == ["W1", "W1", OUTSIDE, OUTSIDE, OUTSIDE, "W3"]
    assert "3 rows more than 50 m outside every area: (outside)" in dataset.report.notes
    assert (
        "(outside) includes any incident inside the boundary file's rejected features (W2): they are not in the "
        "layer; fix their geometry to place those incidents"
    ) in dataset.report.notes
    frame = dataset.report.to_frame().set_index("kind")
    assert frame.loc["boundaries", "rejected_reasons"] == "feature has no geometry: 1"


def test_repair_reaches_the_dataset_report(tmp_path: Path) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[X0, Y0], [X0 + 1000, Y0 + 1000], [X0 + 1000, Y0],
                                                  [X0, Y0 + 1000], [X0, Y0]]]}
    wards(tmp_path / "wards.json", [bowtie, polygon(X0 + 2000, Y0)])
    street(tmp_path / "2021-03" / "2021-03-test-street.csv", [(X0 + 2500, Y0 + 500)])
    dataset = build_dataset(parse_config(street_config(), base=tmp_path))
    frame = dataset.report.to_frame().set_index("kind")
    assert frame.loc["boundaries", "notes"] == "invalid geometry repaired: 1"
    boundary = next(f for f in dataset.report.files if f.kind == "boundaries")
    assert [(i.row, i.severity) for i in boundary.issues if i.row is not None] == [(1, "warning")]
    assert dataset.incidents["area_code"].tolist() == ["W2"]


def test_british_grid_geojson_without_crs_stops_the_dataset_with_the_fix(tmp_path: Path) -> None:
    wards(tmp_path / "wards.json", [polygon(X0, Y0)], crs=False)
    street(tmp_path / "2021-03" / "2021-03-test-street.csv", [(X0 + 500, Y0 + 500)])
    with pytest.raises(ValueError, match=r"wards\.json: the layer's bounds .* bounds look like British National "
                       r"Grid metres; set crs = \"EPSG:27700\""):
        build_dataset(parse_config(street_config(), base=tmp_path))
    dataset = build_dataset(parse_config(street_config('crs = "EPSG:27700"\n'), base=tmp_path))
    assert dataset.incidents["area_code"].tolist() == ["W1"]


def test_date_format_passes_through_the_config(tmp_path: Path) -> None:
    wards(tmp_path / "wards.json", [polygon(X0, Y0)])
    extract(tmp_path / "extract.csv", [(X0 + 500, Y0 + 500)] * 2, dates=["03/04/2021", "04/05/2021"])
    with pytest.raises(ValueError, match=r"extract\.csv, column 'Date': cannot tell whether dates such as row 1 "
                       r"'03/04/2021' are day-first"):
        build_dataset(parse_config(config(tmp_path), base=tmp_path))
    raw = config(tmp_path, columns='date_format = "%m/%d/%Y"\n')
    dataset = build_dataset(parse_config(raw, base=tmp_path))
    assert dataset.incidents["month"].tolist() == [pd.Timestamp("2021-03-01"), pd.Timestamp("2021-04-01")]


def test_comparator_populations_and_households_from_one_ons_style_table(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Table C4"
    sheet.append(["Table C4: rates by Community Safety Partnership [note 1]"])
    for _ in range(6):
        sheet.append([])
    sheet.append(["Community Safety Partnership code", "Community Safety\nPartnership name",
                  "Population figures\n (mid-2022)", "Household figures\n (mid-2021)"])
    sheet.append([None, None, 300000, 120000])  # a force total
    sheet.append(["E22000001", "Testshire", 100000, 40000])
    sheet.append(["E22000002", "Otherton", 0, 10])
    book.save(tmp_path / "c4.xlsx")
    wards(tmp_path / "wards.json", [polygon(X0, Y0)])
    street(tmp_path / "2021-03" / "2021-03-test-street.csv", [(X0 + 500, Y0 + 500)])
    raw = street_config('[comparators]\npopulation = "c4.xlsx"\n')
    dataset = build_dataset(parse_config(raw, base=tmp_path))
    table = next(f for f in dataset.report.files if f.path.endswith("c4.xlsx"))
    assert (table.kind, table.accepted, table.rejected) == ("population table (with households)", 1, 2)
    assert dict(table.reasons) == {"no partnership name (a total or blank row)": 1, "population not above 0": 1}
    comparators = dataset.comparators
    assert comparators is not None
    assert set(comparators["population"]) == {100000.0} and set(comparators["households"]) == {40000.0}
    assert any(n.endswith("with populations from c4.xlsx and households from c4.xlsx.") for n in dataset.report.notes)


@pytest.mark.real
def test_real_ons_workbook_gives_newport_population_and_households(real_data: Path) -> None:
    from csp_data.io.partnership_tables import load_population_table

    table = load_population_table(real_data / "ons" / "policeforceareatablesyedecember2024.xlsx")
    newport = table.set_index("partnership").loc["Newport"]
    assert (newport["population"], newport["households"]) == (161500, 66100)


# ------------------------------------------------------------------------- hostile files (hypothesis)

VALID_GEOJSON = json.dumps({
    "type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
    "features": [
        {"type": "Feature", "properties": {"code": f"W{i}", "name": f"Ward {i}"},
         "geometry": {"type": "Polygon", "coordinates": [square(X0 + 1000 * i, Y0)]}}
        for i in range(4)
    ],
}).encode()
VALID_CSV = (
    b"Ref,Beat,Category,Date,Time,Easting,Northing\n"
    + b"".join(
        f"R{i},D{i % 3}A,Burglary dwelling,{(i % 27) + 1:02d}/0{(i % 9) + 1}/2021,{i % 24:02d}:15,"
        f"{505000 + i},{207000 + i}\n".encode()
        for i in range(20)
    )
)
MAPPING = ColumnMapping(area="Beat", crime_type="Category", date="Date", time="Time", x="Easting", y="Northing",
                        crime_id="Ref")
HOSTILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw: st.DrawFn, data: bytes, *, csv: bool) -> bytes:
    kind = draw(st.sampled_from(["bytes", "truncate", "quote", "delimiter", "drop", "none"]))
    if kind == "bytes":
        at = draw(st.integers(0, len(data)))
        junk = draw(st.binary(min_size=1, max_size=16))
        return data[:at] + junk + data[at + draw(st.integers(0, 8)):]
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "quote":
        at = draw(st.integers(0, len(data)))
        return data[:at] + b'"' + data[at:]
    if kind == "delimiter":
        return data.replace(b",", draw(st.sampled_from([b";", b"\t", b"|"])), draw(st.integers(1, 50)))
    if kind == "drop" and csv:
        lines = data.decode().splitlines()
        col = draw(st.integers(0, 6))
        return ("\n".join(",".join(f for j, f in enumerate(line.split(",")) if j != col) for line in lines)
                + "\n").encode()
    if kind == "drop":
        doc = json.loads(data)
        key = draw(st.sampled_from(["code", "name", "geometry"]))
        for feature in doc["features"][: draw(st.integers(1, 4))]:
            if key == "geometry":
                feature["geometry"] = None
            else:
                feature["properties"].pop(key, None)
        return json.dumps(doc).encode()
    return data


def _data_lines(data: bytes) -> set[int]:
    """The data rows below the header: as the csv module counts records, and as physical lines.

    The two differ only when a stray quote spans lines; either count accounts for every row.
    """
    import csv as csv_module
    import io

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    wanted = set(MAPPING.columns().values())
    counts: set[int] = set()
    lines = [line for line in io.StringIO(text, newline="") if line.strip()]
    try:
        records = [r for r in csv_module.reader(io.StringIO(text, newline="")) if any(f.strip() for f in r)]
    except csv_module.Error:
        records = []
    for rows in (records, [next(csv_module.reader([line]), []) for line in lines]):
        header = next((k for k, r in enumerate(rows[:30]) if wanted <= {f.strip() for f in r}), None)
        if header is not None:
            counts.add(len(rows) - header - 1)
    return counts


@HOSTILE
@given(data=mutated(VALID_CSV, csv=True))
def test_mutated_force_extracts_are_accounted_for_or_refused_by_name(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        path.write_bytes(data)
        try:
            incidents, report = load_force_extract(path, MAPPING, GROUPS)
        except ValueError as exc:
            assert str(path) in str(exc)
            return
        file = report.files[0]
        assert file.accepted == len(incidents)
        assert file.accepted + file.rejected in _data_lines(data)


@HOSTILE
@given(data=mutated(VALID_GEOJSON, csv=False))
def test_mutated_boundary_files_are_accounted_for_or_refused_by_name(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wards.json"
        path.write_bytes(data)
        try:
            areas, report = load_boundaries(path, code_field="code")
        except ValueError as exc:
            assert str(path) in str(exc)
            return
        file = report.files[0]
        assert file.accepted == len(areas)
        try:
            features = len(json.loads(data)["features"])
        except (ValueError, KeyError, TypeError):
            return  # GDAL read something the json module cannot: no independent count
        assert file.accepted + file.rejected == features
        assert np.isfinite(areas.total_bounds).all() if len(areas) else True


def test_a_time_cell_with_a_nul_byte_is_rejected_not_fatal(tmp_path: Path) -> None:
    """Found by the mutation test above: "\\x0005:15" parsed to year 1 and raised inside pandas. Now
    that row's time cannot be read and the other rows load; every row is accounted for."""
    text = VALID_CSV.decode("utf-8")
    lines = text.splitlines()
    header, rows = lines[0], lines[1:]
    time_col = header.split(",").index(MAPPING.columns()["time"]) if "time" in MAPPING.columns() else None
    assert time_col is not None
    cells = rows[5].split(",")
    cells[time_col] = "\x00" + cells[time_col]
    rows[5] = ",".join(cells)
    path = tmp_path / "extract.csv"
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode("utf-8"))
    incidents, report = load_force_extract(path, MAPPING, GROUPS)
    file = report.files[0]
    assert file.accepted + file.rejected == len(rows)
    assert file.accepted >= len(rows) - 1 and len(incidents) == file.accepted
