"""Boundary loader: shapefile (loose and zipped), GeoJSON, GeoPackage; CRS handling; repairs; bad codes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from csp_data.io.boundaries import guess_code_field, guess_name_field, load_boundaries

X0, Y0 = 500_000.0, 200_000.0


def layer(crs: str | None = "EPSG:27700", **columns: list[object]) -> gpd.GeoDataFrame:
    data = columns or {"WD13CD": ["E05000001", "E05000002"], "WD13NM": ["North", "South"]}
    frame = gpd.GeoDataFrame(
        data,
        geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0, Y0 - 1000, X0 + 1000, Y0)],
        crs="EPSG:27700",
    )
    if crs is None:
        return frame.set_crs(None, allow_override=True)
    return frame.to_crs(crs)


def check_two_squares(areas: gpd.GeoDataFrame) -> None:
    assert list(areas.columns) == ["area_code", "area_name", "population", "households", "geometry"]
    assert areas.crs.to_epsg() == 27700
    assert areas["area_code"].tolist() == ["E05000001", "E05000002"]
    assert areas["area_name"].tolist() == ["North", "South"]
    assert areas["population"].isna().all() and areas["households"].isna().all()
    assert areas.geometry.iloc[0].bounds == pytest.approx((X0, Y0, X0 + 1000, Y0 + 1000), abs=0.5)
    assert areas.geometry.area.sum() == pytest.approx(2_000_000, rel=1e-3)


@pytest.mark.parametrize("crs", ["EPSG:27700", "EPSG:4326"])
@pytest.mark.parametrize(
    "suffix,driver", [(".shp", "ESRI Shapefile"), (".geojson", "GeoJSON"), (".gpkg", "GPKG")]
)
def test_formats_and_crs_are_read_into_27700(tmp_path: Path, suffix: str, driver: str, crs: str) -> None:
    path = tmp_path / f"wards{suffix}"
    layer(crs).to_file(path, driver=driver)
    areas, report = load_boundaries(path)
    check_two_squares(areas)
    assert report.files[0].accepted == 2 and report.files[0].kind == "boundaries"
    assert report.usable


def test_zipped_shapefile(tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    layer().to_file(folder / "wards.shp")
    archive = tmp_path / "wards.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.iterdir():
            z.write(part, f"inner/{part.name}")
    areas, _ = load_boundaries(archive)
    check_two_squares(areas)


def test_zip_with_several_layers_needs_a_layer(tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    layer().to_file(folder / "wards.shp")
    layer().to_file(folder / "beats.shp")
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.iterdir():
            z.write(part, part.name)
    with pytest.raises(ValueError, match=r"several layers .*choose one with layer="):
        load_boundaries(archive)
    areas, _ = load_boundaries(archive, layer="wards")
    check_two_squares(areas)


def test_zip_without_a_layer(tmp_path: Path) -> None:
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "nothing here")
    with pytest.raises(ValueError, match=r"empty.zip: the zip holds no shapefile"):
        load_boundaries(archive)


def test_geojson_with_crs84_urn_is_read_as_lon_lat(tmp_path: Path) -> None:
    path = tmp_path / "crs84.json"
    ring = [[-0.47, 51.75], [-0.46, 51.75], [-0.46, 51.76], [-0.47, 51.76], [-0.47, 51.75]]
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"WD13CD": "E05004691", "WD13NM": "Adeyfield East"},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    areas, _ = load_boundaries(path)
    minx, miny, maxx, maxy = areas.total_bounds
    # lon -0.47..-0.46, lat 51.75..51.76 is near Hemel Hempstead: eastings ~505,8xx, northings ~206,8xx
    assert 505_000 < minx < maxx < 507_500
    assert 206_000 < miny < maxy < 208_500


def test_no_crs_is_an_error_unless_stated(tmp_path: Path) -> None:
    path = tmp_path / "nocrs.shp"
    layer(None).to_file(path)
    assert not path.with_suffix(".prj").exists()
    with pytest.raises(
        ValueError, match=r"nocrs.shp: the layer has no CRS; state it \(e.g. crs='EPSG:27700'\)"
    ):
        load_boundaries(path)
    areas, _ = load_boundaries(path, crs="EPSG:27700")
    check_two_squares(areas)


def test_crs_override_replaces_a_wrong_crs_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "wrong.gpkg"
    layer().set_crs("EPSG:3857", allow_override=True).to_file(path)
    areas, report = load_boundaries(path, crs="EPSG:27700")
    check_two_squares(areas)
    warnings = [i for i in report.files[0].issues if i.severity == "warning"]
    assert "using EPSG:27700 as instructed" in warnings[0].message


def test_invalid_geometry_repaired_with_a_warning_naming_the_code(tmp_path: Path) -> None:
    bowtie = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100), (X0, Y0)])
    frame = gpd.GeoDataFrame(
        {"code": ["BOW", "OK"], "name": ["Bowtie", "Fine"]},
        geometry=[bowtie, box(X0 + 200, Y0, X0 + 300, Y0 + 100)],
        crs="EPSG:27700",
    )
    path = tmp_path / "bad.gpkg"
    frame.to_file(path)
    areas, report = load_boundaries(path)
    assert areas.geometry.is_valid.all()
    assert areas.geometry.iloc[0].area == pytest.approx(5_000)
    file = report.files[0]
    assert file.notes["invalid geometry repaired"] == 1
    assert any(i.severity == "warning" and i.message.endswith(": BOW") for i in file.issues)
    assert file.usable


@pytest.mark.parametrize(
    "codes,message",
    [
        (["D1A", "D1A"], "column 'beat' has duplicate codes D1A"),
        (["D1A", None], "column 'beat' is empty in feature rows 2"),
    ],
)
def test_duplicate_or_empty_codes_are_errors(tmp_path: Path, codes: list[object], message: str) -> None:
    path = tmp_path / "beats.gpkg"
    layer(beat=codes, beat_name=["One", "Two"]).to_file(path)
    with pytest.raises(ValueError, match=message):
        load_boundaries(path)


def test_fields_given_explicitly_and_numeric_codes(tmp_path: Path) -> None:
    path = tmp_path / "n.gpkg"
    layer(id=[101, 102], label=["North", "South"]).to_file(path)
    with pytest.raises(ValueError, match="cannot guess the code column"):
        load_boundaries(path)
    areas, _ = load_boundaries(path, code_field="id", name_field="label")
    assert areas["area_code"].tolist() == ["101", "102"]
    with pytest.raises(
        ValueError, match=r"code_field 'nope' is not a column; the layer has \['id', 'label'\]"
    ):
        load_boundaries(path, code_field="nope")


def test_no_name_field_uses_codes(tmp_path: Path) -> None:
    path = tmp_path / "c.gpkg"
    layer(beat_code=["D1A", "D1B"]).to_file(path)
    areas, report = load_boundaries(path)
    assert areas["area_name"].tolist() == ["D1A", "D1B"]
    assert any("codes used as names" in i.message for i in report.files[0].issues)


def test_points_are_not_areas(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    gpd.GeoDataFrame({"code": ["P"]}, geometry=gpd.points_from_xy([X0], [Y0]), crs="EPSG:27700").to_file(path)
    with pytest.raises(ValueError, match="expected polygons; features P are Point"):
        load_boundaries(path)


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"nope.shp: no such file"):
        load_boundaries(tmp_path / "nope.shp")
    bad = tmp_path / "bad.geojson"
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.geojson: cannot read as a boundary layer"):
        load_boundaries(bad)


def test_guessing_fields() -> None:
    assert guess_code_field(["objectid", "LSOA11CD", "LSOA11NM"]) == "LSOA11CD"
    assert guess_code_field(["ward_code", "ward_name"]) == "ward_code"
    assert guess_code_field(["BEAT", "NAME"]) == "BEAT"
    assert guess_code_field(["id", "label"]) is None
    assert guess_name_field(["WD13CD", "WD13NM"]) == "WD13NM"
    assert guess_name_field(["beat_name", "x"], exclude="beat_name") is None


@pytest.mark.real
def test_real_dacorum_wards(real_data: Path) -> None:
    areas, report = load_boundaries(real_data / "boundaries" / "wards_2013_by_lad" / "E07000096.json")
    assert len(areas) == 25
    assert areas["area_code"].str.startswith("E0500").all()
    assert sorted(areas["area_code"])[0] == "E05004691" and sorted(areas["area_code"])[-1] == "E05004715"
    assert "Watling" in set(areas["area_name"])
    minx, miny, maxx, maxy = areas.total_bounds
    assert 480_000 < minx < maxx < 515_000 and 195_000 < miny < maxy < 222_000
    assert report.usable


# ------------------------------------------------- issue 10, point 6: bounds implausible for the CRS


def geojson(path: Path, rings: list[list[list[float]]], *, crs: str | None = None, codes: list[str] | None = None,
            geometries: list[object] | None = None) -> Path:
    codes = codes or [f"E0500000{i + 1}" for i in range(len(rings))]
    features = [
        {"type": "Feature", "properties": {"WD13CD": code, "WD13NM": f"Ward {code[-1]}"},
         "geometry": geom if geometries is not None else {"type": "Polygon", "coordinates": [ring]}}
        for code, ring, geom in zip(codes, rings, geometries or [None] * len(rings), strict=True)
    ]
    doc: dict[str, object] = {"type": "FeatureCollection", "features": features}
    if crs is not None:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def square(x: float, y: float, size: float) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def test_british_grid_geojson_without_crs_says_which_crs_to_set(tmp_path: Path) -> None:
    path = geojson(tmp_path / "wards.json", [square(X0, Y0, 1000), square(X0, Y0 - 1000, 1000)])
    with pytest.raises(ValueError) as caught:
        load_boundaries(path)
    assert str(caught.value) == (
        f"{path}: the layer's bounds (500,000, 199,000, 501,000, 201,000) are not in the UK in its CRS EPSG:4326 "
        "(longitude/latitude degrees); bounds look like British National Grid metres; set crs = \"EPSG:27700\""
    )
    areas, report = load_boundaries(path, crs="EPSG:27700")  # the fix the message names
    assert areas["area_code"].tolist() == ["E05000001", "E05000002"]
    assert areas.geometry.iloc[0].bounds == pytest.approx((X0, Y0, X0 + 1000, Y0 + 1000), abs=0.5)
    assert report.files[0].accepted == 2


def test_metres_declared_web_mercator_says_british_grid(tmp_path: Path) -> None:
    path = tmp_path / "beats.gpkg"
    layer().set_crs("EPSG:3857", allow_override=True).to_file(path)  # BNG numbers labelled 3857
    with pytest.raises(ValueError, match=r"beats\.gpkg: the layer's bounds \(500,000, 199,000, 501,000, 201,000\) "
                       r"are not in the UK in its CRS EPSG:3857 \(metres\); bounds look like British National "
                       r"Grid metres; set crs = \"EPSG:27700\""):
        load_boundaries(path)


def test_degrees_declared_british_grid_says_lon_lat(tmp_path: Path) -> None:
    path = tmp_path / "lonlat.gpkg"
    layer("EPSG:4326").set_crs("EPSG:27700", allow_override=True).to_file(path)
    with pytest.raises(ValueError, match=r"not in the UK in its CRS EPSG:27700 \(metres\); bounds look like "
                       r"longitude/latitude degrees; set crs = \"EPSG:4326\""):
        load_boundaries(path)
    with pytest.raises(ValueError, match=r"in the CRS given EPSG:27700 \(metres\); bounds look like longitude"):
        load_boundaries(path, crs="EPSG:27700")


def test_web_mercator_layer_in_the_uk_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "merc.gpkg"
    layer("EPSG:3857").to_file(path)
    check_two_squares(load_boundaries(path)[0])


# ------------------------------------------------- issue 10, point 7: repairs and rejections reported


def test_repair_is_reported_with_row_code_and_reason(tmp_path: Path) -> None:
    bowtie = [[X0, Y0], [X0 + 100, Y0 + 100], [X0 + 100, Y0], [X0, Y0 + 100], [X0, Y0]]
    path = geojson(tmp_path / "bow.json", [square(X0 + 200, Y0, 100), bowtie], crs="EPSG:27700",
                   codes=["E05000001", "E05000002"])
    areas, report = load_boundaries(path)
    file = report.files[0]
    assert (file.accepted, file.rejected) == (2, 0)
    assert dict(file.notes) == {"invalid geometry repaired": 1}
    rows = [i for i in file.issues if i.row is not None]
    assert [str(i) for i in rows] == [
        f"{path}, row 2, column 'geometry': feature 'E05000002': invalid geometry "
        "(Self-intersection[500050 200050]) repaired with shapely.make_valid"
    ]
    assert areas.geometry.iloc[1].area == pytest.approx(5_000)
    assert areas.geometry.iloc[0].area == pytest.approx(10_000)  # the valid feature is unchanged


def test_null_geometry_is_rejected_and_counted_with_row_and_code(tmp_path: Path) -> None:
    path = geojson(
        tmp_path / "null.json", [square(X0, Y0, 1000)] * 3, crs="EPSG:27700",
        codes=["E05000001", "E05000002", "E05000003"],
        geometries=[{"type": "Polygon", "coordinates": [square(X0, Y0, 1000)]}, None,
                    {"type": "Polygon", "coordinates": [square(X0 + 1000, Y0, 1000)]}],
    )
    areas, report = load_boundaries(path)
    file = report.files[0]
    assert areas["area_code"].tolist() == ["E05000001", "E05000003"]
    assert (file.accepted, file.rejected) == (2, 1)  # 3 features, every one accounted for
    assert dict(file.reasons) == {"feature has no geometry": 1}
    assert [str(i) for i in file.issues if i.row is not None] == [
        f"{path}, row 2, column 'geometry': feature has no geometry: feature 'E05000002' rejected "
        "(incidents in it will be outside every area)"
    ]
    assert areas.attrs["rejected_features"] == ["E05000002"]


def test_geojson_member_that_is_not_a_feature_is_counted_not_lost(tmp_path: Path) -> None:
    path = geojson(tmp_path / "odd.json", [square(X0, Y0, 1000), square(X0 + 1000, Y0, 1000),
                                           square(X0 + 2000, Y0, 1000)], crs="EPSG:27700")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][1]["type"] = "Feture"  # the reader skips it without a word
    path.write_text(json.dumps(doc), encoding="utf-8")
    areas, report = load_boundaries(path)
    file = report.files[0]
    assert areas["area_code"].tolist() == ["E05000001", "E05000003"]
    assert (file.accepted, file.rejected) == (2, 1)
    assert [str(i) for i in file.issues if i.row is not None] == [
        f"{path}, row 2: member of 'features' is not a GeoJSON Feature: skipped"
    ]


# --- issue 10, point 12: size limits and member names for boundary files --------------------------------


def test_boundary_files_over_the_limits_are_refused_naming_the_limit(tmp_path: Path) -> None:
    from csp_data.io.limits import Limits

    path = tmp_path / "wards.geojson"
    layer().to_file(path, driver="GeoJSON")
    small = Limits(max_file_mb=path.stat().st_size / (1 << 20) / 2)
    with pytest.raises(ValueError, match=r"wards.geojson: the file is .* over the limit max_file_mb = .*\[limits\] in csp.toml"):
        load_boundaries(path, limits=small)
    check_two_squares(load_boundaries(path)[0])  # the default limits read it
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(path, "wards.geojson")
        z.writestr("padding.txt", b"\0" * (20 << 20))  # 20 MiB of zeros compress ~1000:1
    with pytest.raises(ValueError, match=r"bomb.zip:padding.txt: decompresses to 20.0 MiB .* max_compression_ratio = 100"):
        load_boundaries(bomb)
    with pytest.raises(ValueError, match=r"bomb.zip: the archive's files total 20.0 MiB uncompressed, over the limit max_zip_total_mb = 10"):
        load_boundaries(bomb, limits=Limits(max_zip_total_mb=10, max_compression_ratio=10_000))


def test_a_zip_member_named_outside_the_archive_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    layer().to_file(folder / "wards.shp")
    archive = tmp_path / "wards.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.iterdir():
            z.write(part, f"../{part.name}")
    with pytest.raises(ValueError, match=r"wards.zip: member '../wards\.\w+' names a path outside the archive; not read"):
        load_boundaries(archive)
