"""The demo-borough generator (csp_data.tools.demo) and its committed outputs in data/ and shapefiles/."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from csp_data.cli import build_parser, main
from csp_data.groups import load_crime_groups
from csp_data.io import force
from csp_data.tools import demo

REPO = Path(__file__).resolve().parents[2]
DATA_FILES = (
    "data/demo_population.csv",
    "data/demo_incidents.csv.gz",
    "data/demo_comparators.csv",
    "data/demo_peers.toml",
    "data/demo_indicators.csv",
    "data/demo_iom.csv",
    "data/demo_peer_variables.csv",
    "data/demo_county.geojson",
)
SHAPEFILE_FILES = tuple(f"shapefiles/demo_beats{s}" for s in (".shp", ".shx", ".dbf", ".prj", ".cpg"))


# --------------------------------------------------------------------------------------------------
# Fixtures: the committed files (read once) and one fresh full generation
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    df = pd.read_csv(REPO / "data/demo_incidents.csv.gz", dtype={"time": str})
    df["day"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    df["group"] = load_crime_groups().assign(df["crime_type"].astype("string"))
    return df


@pytest.fixture(scope="module")
def beats() -> gpd.GeoDataFrame:
    return gpd.read_file(REPO / "shapefiles/demo_beats.shp")


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return pd.read_csv(REPO / "data/demo_population.csv")


@pytest.fixture(scope="module")
def comparators() -> pd.DataFrame:
    return pd.read_csv(REPO / "data/demo_comparators.csv", dtype={"month": str})


@pytest.fixture(scope="module")
def peers() -> dict:
    return tomllib.loads((REPO / "data/demo_peers.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return demo.generate_demo(tmp_path_factory.mktemp("demo_fresh"))


def _within(df: pd.DataFrame, centre: tuple[float, float], radius: float) -> pd.Series:
    return np.hypot(df["easting"] - centre[0], df["northing"] - centre[1]) <= radius


def _spot(kind: str) -> demo.HotSpot:
    (spot,) = [h for h in demo.HOTSPOTS if h.kind == kind]
    return spot


# --------------------------------------------------------------------------------------------------
# Determinism and the committed files
# --------------------------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    a = demo.generate_demo(tmp_path / "a", seed=7, n_months=2)
    demo.generate_demo(tmp_path / "b", seed=7, n_months=2)
    assert sorted(a) == ["beats", "comparators", "county", "incidents", "indicators", "iom", "peer_variables", "peers",
                         "population"]
    for rel in (*DATA_FILES, *SHAPEFILE_FILES):
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    assert a["incidents"].read_bytes()[4:8] == b"\0\0\0\0"  # gzip mtime fixed at 0


def test_different_seed_gives_different_incidents(tmp_path: Path) -> None:
    a = demo.generate_demo(tmp_path / "a", seed=7, n_months=1)
    b = demo.generate_demo(tmp_path / "b", seed=8, n_months=1)
    assert a["incidents"].read_bytes() != b["incidents"].read_bytes()


def test_committed_files_match_a_fresh_generation(fresh: dict[str, Path], beats: gpd.GeoDataFrame) -> None:
    out = fresh["population"].parents[1]
    for rel in DATA_FILES:
        assert (out / rel).read_bytes() == (REPO / rel).read_bytes(), f"{rel}: run `python -m csp_data demo`"
    # The shapefile: compare what it holds (GDAL versions may lay bytes out differently).
    new = gpd.read_file(fresh["beats"])
    assert new.crs == beats.crs
    pd.testing.assert_frame_equal(new.drop(columns="geometry"), beats.drop(columns="geometry"))
    assert all(a.equals_exact(b, 1e-6) for a, b in zip(new.geometry, beats.geometry, strict=True))


def test_readme_checksums_match_committed_files() -> None:
    text = (REPO / "data/README.md").read_text(encoding="utf-8")
    sums = {path: digest for digest, path in re.findall(r"`([0-9a-f]{64})`\s*\|\s*`([\w./-]+)`", text)}
    for rel in (*DATA_FILES, *SHAPEFILE_FILES):
        assert rel in sums, f"data/README.md has no checksum for {rel}"
        assert hashlib.sha256((REPO / rel).read_bytes()).hexdigest() == sums[rel], rel


def test_dbf_header_date_is_fixed_not_today() -> None:
    raw = (REPO / "shapefiles/demo_beats.dbf").read_bytes()
    y, m, d = demo.DBF_DATE
    assert raw[1:4] == bytes([y - 1900, m, d])


# --------------------------------------------------------------------------------------------------
# Incidents
# --------------------------------------------------------------------------------------------------


def test_incident_columns_and_formats(incidents: pd.DataFrame) -> None:
    assert tuple(incidents.columns[:8]) == demo.INCIDENT_FIELDS
    assert incidents["incident_id"].is_unique
    assert incidents["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert incidents["time"].str.fullmatch(r"([01]\d|2[0-3]):[0-5]\d").all()
    assert incidents["location"].str.startswith("On or near ").all()
    assert incidents["day"].is_monotonic_increasing


def test_at_least_60_whole_months_ending_2026_10(incidents: pd.DataFrame) -> None:
    months = incidents["day"].dt.to_period("M").unique()
    assert len(months) >= 60
    assert str(months.max()) == "2026-10"
    assert len(pd.period_range(months.min(), months.max(), freq="M")) == len(months)  # no gaps
    # five full calendar years
    assert {2021, 2022, 2023, 2024, 2025} <= set(incidents["day"].dt.year)
    assert str(months.min()) == "2021-01"


def test_yearly_volumes(incidents: pd.DataFrame) -> None:
    for year in range(2021, 2026):
        one = incidents[incidents["day"].dt.year == year]
        asb = int((one["group"] == "ASB").sum())
        crime = len(one) - asb
        assert 8100 <= crime <= 9900, (year, crime)
        assert 3150 <= asb <= 3850, (year, asb)


def test_every_type_maps_to_a_group_and_force_categories_are_used(incidents: pd.DataFrame) -> None:
    assert incidents["group"].notna().all()
    types = set(incidents["crime_type"])
    police_uk = set(demo.DACORUM_2021_MIX)
    assert police_uk <= types  # all 14 police.uk names appear
    assert {
        "Burglary dwelling",
        "Burglary other",
        "Theft from motor vehicle",
        "Theft of motor vehicle",
    } <= types
    assert types - police_uk == {
        "Burglary dwelling",
        "Burglary other",
        "Theft from motor vehicle",
        "Theft of motor vehicle",
    }


def test_crime_mix_is_like_dacorum_2021(incidents: pd.DataFrame) -> None:
    crimes = incidents[(incidents["group"] != "ASB") & (incidents["day"].dt.year == 2022)]
    share = crimes["group"].value_counts(normalize=True)
    real = {k: v for k, v in demo.DACORUM_2021_MIX.items() if k != demo.ASB_TYPE}
    total = sum(real.values())
    for crime_type, count in real.items():
        assert share[crime_type] == pytest.approx(count / total, abs=0.02), crime_type


def test_asb_peaks_in_summer(incidents: pd.DataFrame) -> None:
    asb = incidents[incidents["group"] == "ASB"]
    month = asb["day"].dt.month
    assert month.isin([6, 7, 8]).sum() > 1.3 * month.isin([12, 1, 2]).sum()


def test_halloween_and_bonfire_night_spikes(incidents: pd.DataFrame) -> None:
    asb = incidents[incidents["group"] == "ASB"]
    per_day = asb.groupby("day").size()
    for year in range(2021, 2026):
        october_mean = per_day[f"{year}-10-01" : f"{year}-10-31"].mean()
        assert per_day[f"{year}-10-31"] > october_mean, year
        assert per_day[f"{year}-11-05"] > october_mean, year
    damage = incidents[incidents["group"] == "Criminal damage and arson"].groupby("day").size()
    spikes = sum(
        damage.get(pd.Timestamp(f"{y}-10-31"), 0) + damage.get(pd.Timestamp(f"{y}-11-05"), 0)
        for y in range(2021, 2026)
    )
    assert spikes / 10 > 1.5 * damage.mean()


def test_burglary_peaks_in_winter(incidents: pd.DataFrame) -> None:
    month = incidents.loc[incidents["group"] == "Burglary", "day"].dt.month
    assert month.isin([11, 12, 1]).sum() > 1.2 * month.isin([5, 6, 7]).sum()


def test_night_time_violence_peaks_on_friday_and_saturday_nights(incidents: pd.DataFrame) -> None:
    v = incidents[incidents["group"] == "Violence and sexual offences"]
    hour = v["time"].str[:2].astype(int)
    # a "night" is 22:00-03:59; the early hours belong to the night before
    night = v[(hour >= 22) | (hour <= 3)]
    night_of = night["day"] - pd.to_timedelta((night["time"].str[:2].astype(int) <= 3).astype(int), unit="D")
    counts = night_of.dt.day_of_week.value_counts()
    weekend = counts[[4, 5]].mean()  # Friday and Saturday nights
    weekdays = counts[[0, 1, 2, 3]].mean()
    assert weekend > 1.8 * weekdays
    assert hour.between(4, 6).mean() < hour.between(20, 22).mean()


def test_shoplifting_happens_in_opening_hours(incidents: pd.DataFrame) -> None:
    hour = incidents.loc[incidents["group"] == "Shoplifting", "time"].str[:2].astype(int)
    assert hour.between(8, 19).mean() > 0.9


def test_locations_are_snapped_to_shared_map_points(incidents: pd.DataFrame) -> None:
    distinct = incidents.groupby(["easting", "northing"]).ngroups
    assert distinct <= 2000
    assert len(incidents) > 20 * distinct
    # one point, one location text
    assert (incidents.groupby(["easting", "northing"])["location"].nunique() == 1).all()


def test_every_point_lies_in_its_beat(incidents: pd.DataFrame, beats: gpd.GeoDataFrame) -> None:
    pts = incidents.drop_duplicates(["easting", "northing", "beat"])
    gpts = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts["easting"], pts["northing"]), crs=beats.crs)
    joined = gpd.sjoin(gpts, beats[["beat_code", "geometry"]], predicate="within", how="left")
    assert len(joined) == len(pts)  # no point in two beats
    assert joined["beat_code"].notna().all()
    assert (joined["beat_code"] == joined["beat"]).all()


def test_persistent_hot_spots_are_busy_every_year(incidents: pd.DataFrame) -> None:
    for spot in (h for h in demo.HOTSPOTS if h.kind == "persistent"):
        yearly = (
            incidents[_within(incidents, spot.centre, spot.radius)].groupby(incidents["day"].dt.year).size()
        )
        assert yearly.loc[2021:2025].min() > 150, spot.name


def test_emerging_hot_spot_grows_in_the_last_year(incidents: pd.DataFrame) -> None:
    spot = _spot("emerging")
    inside = incidents[_within(incidents, spot.centre, spot.radius)]
    last_year = inside[inside["day"] >= "2025-11-01"]
    first_years = inside[inside["day"] < "2024-11-01"]
    per_year_before = len(first_years) / (46 / 12)  # 2021-01 .. 2024-10
    assert len(last_year) > 2 * per_year_before
    assert len(last_year) > 100


def test_fading_hot_spot_is_gone_in_the_last_year(incidents: pd.DataFrame) -> None:
    spot = _spot("fading")
    inside = incidents[_within(incidents, spot.centre, spot.radius)]
    early = inside[inside["day"] < "2024-01-01"]
    last_year = inside[inside["day"] >= "2025-11-01"]
    assert len(early) / 3 > 150  # strong in 2021-2023
    assert len(last_year) < 0.1 * len(early) / 3


def test_readme_states_the_planted_hot_spots() -> None:
    text = (REPO / "data/README.md").read_text(encoding="utf-8")
    for spot in demo.HOTSPOTS:
        assert f"{spot.centre[0]}, {spot.centre[1]}" in text, spot.name
        assert f"{spot.radius} m" in text, spot.name


# --------------------------------------------------------------------------------------------------
# Beats and population
# --------------------------------------------------------------------------------------------------


def test_beats_shapefile(beats: gpd.GeoDataFrame) -> None:
    assert beats.crs.to_epsg() == 27700
    assert 23 <= len(beats) <= 27
    assert beats["beat_code"].is_unique
    assert {"D1A", "D1C", "D1G", "D2A", "D3B", "D3D"} <= set(beats["beat_code"])
    names = dict(zip(beats["beat_code"], beats["beat_name"], strict=True))
    assert names["D1A"] == "Hemel Hempstead Central"
    assert names["D2A"] == "Berkhamsted Castle"
    assert (beats["note"] == demo.BOUNDARY_NOTE).all()
    assert "not a real beat" in demo.BOUNDARY_NOTE
    assert beats.is_valid.all()
    assert (beats.geom_type == "Polygon").all()
    for suffix in (".shx", ".dbf", ".prj", ".cpg"):
        assert (REPO / f"shapefiles/demo_beats{suffix}").exists()
    assert (REPO / "shapefiles/demo_beats.cpg").read_text().strip() == "UTF-8"


def test_beats_tile_the_borough_without_gaps_or_overlaps(beats: gpd.GeoDataFrame) -> None:
    union = shapely.union_all(beats.geometry.to_numpy())
    assert union.geom_type == "Polygon"
    assert len(union.interiors) == 0  # no holes
    assert beats.area.sum() == pytest.approx(union.area, abs=1.0)  # no overlaps
    assert 180e6 < union.area < 240e6  # about Dacorum's 212 km²


def test_beats_are_where_dacorum_is(beats: gpd.GeoDataFrame) -> None:
    minx, miny, maxx, maxy = beats.total_bounds
    assert minx >= 485_000 and maxx <= 511_000 and miny >= 198_000 and maxy <= 219_500

    def beat_at(x: float, y: float) -> str:
        return str(beats.loc[beats.contains(Point(x, y)), "beat_code"].iloc[0])

    assert beat_at(506000, 207000).startswith("D1")  # Hemel Hempstead
    assert beat_at(498000, 208000).startswith("D2")  # Berkhamsted
    assert beat_at(492500, 211500).startswith("D3")  # Tring
    area = dict(zip(beats["beat_code"], beats.area, strict=True))
    assert area["D1A"] < 3e6 < 20e6 < area["D1S"]  # urban small, rural large


def test_other_seeds_also_give_a_clean_tiling() -> None:
    for seed in (1, 99):
        d = demo.build_demo(seed=seed, n_months=1)
        geoms = d.beats.geometry
        union = shapely.union_all(geoms.to_numpy())
        assert geoms.is_valid.all() and (geoms.geom_type == "Polygon").all()
        assert union.geom_type == "Polygon" and not union.interiors
        assert geoms.area.sum() == pytest.approx(union.area, abs=1.0)
        by_code = dict(zip(d.beats["beat_code"], geoms, strict=True))
        for spot in demo.HOTSPOTS:
            assert by_code[spot.beat].contains(Point(spot.centre).buffer(spot.radius)), (seed, spot.name)
        for code, x, y in d.points[["beat", "x", "y"]].itertuples(index=False):
            assert by_code[code].contains(Point(x, y))


def test_population_file(population: pd.DataFrame, beats: gpd.GeoDataFrame) -> None:
    assert list(population.columns) == ["area_code", "area_name", "population", "households"]
    assert 150_000 <= population["population"].sum() <= 160_000
    assert 60_000 <= population["households"].sum() <= 66_000
    assert set(population["area_code"]) == set(beats["beat_code"])
    assert (population["population"] > population["households"]).all()


# --------------------------------------------------------------------------------------------------
# Comparators and peers
# --------------------------------------------------------------------------------------------------


def test_peer_groups(peers: dict, comparators: pd.DataFrame) -> None:
    assert peers["partnership"] == demo.DEMO_PARTNERSHIP == "Demo Borough"
    msg, county = peers["peer_groups"]["msg"], peers["peer_groups"]["county"]
    assert len(msg) == len(set(msg)) == 15 and demo.DEMO_PARTNERSHIP in msg
    assert len(county) == len(set(county)) == 10 and demo.DEMO_PARTNERSHIP in county
    assert set(comparators["partnership"]) == set(msg) | set(county)


def test_comparator_columns_groups_and_months(comparators: pd.DataFrame, incidents: pd.DataFrame) -> None:
    assert tuple(comparators.columns) == demo.COMPARATOR_FIELDS
    assert set(comparators["crime_group"]) == set(load_crime_groups().base_groups)
    inc_months = set(incidents["day"].dt.strftime("%Y-%m"))
    assert set(comparators["month"]) == inc_months


def test_borough_counts_equal_its_incident_counts(comparators: pd.DataFrame, incidents: pd.DataFrame) -> None:
    own = comparators[comparators["partnership"] == demo.DEMO_PARTNERSHIP]
    got = own.set_index(["month", "crime_group"])["count"].sort_index()
    want = incidents.groupby([incidents["day"].dt.strftime("%Y-%m"), "group"]).size()
    want.index.names = ["month", "crime_group"]
    want = want.reindex(got.index, fill_value=0)
    assert (got == want).all()
    assert got.sum() == len(incidents)


def test_peer_populations_rates_and_planted_gaps(comparators: pd.DataFrame, population: pd.DataFrame) -> None:
    per = comparators.groupby("partnership")
    pops = per["population"].max()
    others = pops.drop(demo.DEMO_PARTNERSHIP)
    assert others.between(100_000, 300_000).all()
    assert pops[demo.DEMO_PARTNERSHIP] == population["population"].sum()
    # some peers above and some below the borough's crime rate
    totals = comparators[comparators["crime_group"] != "ASB"].groupby("partnership")["count"].sum()
    rate = totals / pops
    own = rate[demo.DEMO_PARTNERSHIP]
    assert (rate > own * 1.1).sum() >= 3 and (rate < own * 0.9).sum() >= 3
    # gaps: one partnership misses a month, one has a blank population in one month, nothing else
    name, month = demo.GAP_MISSING_MONTH
    assert per.size().drop(name).nunique() == 1
    assert month not in set(comparators.loc[comparators["partnership"] == name, "month"])
    blank = comparators[comparators["population"].isna()]
    assert set(zip(blank["partnership"], blank["month"], strict=True)) == {demo.GAP_MISSING_POPULATION}
    assert blank["households"].isna().all()
    assert comparators["count"].notna().all()


def test_peer_counts_have_seasonality(comparators: pd.DataFrame) -> None:
    asb = comparators[(comparators["crime_group"] == "ASB") & (comparators["partnership"] == "Peer A")]
    month = asb["month"].str[5:].astype(int)
    assert asb.loc[month.isin([6, 7, 8]), "count"].mean() > asb.loc[month.isin([12, 1, 2]), "count"].mean()


# --------------------------------------------------------------------------------------------------
# Building blocks on small inputs
# --------------------------------------------------------------------------------------------------


def test_demo_months() -> None:
    months = demo.demo_months(3)
    assert [m.strftime("%Y-%m") for m in months] == ["2026-08", "2026-09", "2026-10"]
    with pytest.raises(ValueError, match="n_months: expected a positive number of months, found 0"):
        demo.demo_months(0)


def test_daily_rates_give_the_annual_target_over_a_year() -> None:
    days = pd.date_range("2023-01-01", "2023-12-31", freq="D")
    rates = demo.daily_rates(days)
    # Burglary has no trend: a whole calendar year sums to its target x 365 / 365.25
    target = 372 * demo.CRIMES_PER_YEAR / 8686
    assert rates["Burglary"].sum() == pytest.approx(target * 365 / 365.25, rel=1e-9)
    assert (
        rates.loc["2023-10-31", "Anti-social behaviour"]
        > 3 * rates.loc["2023-10-24", "Anti-social behaviour"]
    )


def test_hot_spot_activity_ramps() -> None:
    dates = pd.DatetimeIndex(["2020-01-01", "2025-12-01", "2027-01-01"])
    up = demo.HotSpot("x", "emerging", "D1H", (0, 0), 1, {}, ("a",), ramp=("2025-10-01", "2026-02-01"))
    down = demo.HotSpot("x", "fading", "D1T", (0, 0), 1, {}, ("a",), ramp=("2025-10-01", "2026-02-01"))
    always = demo.HotSpot("x", "persistent", "D1A", (0, 0), 1, {}, ("a",))
    np.testing.assert_allclose(up.activity(dates), [0.0, 61 / 123, 1.0])
    np.testing.assert_allclose(down.activity(dates), [1.0, 62 / 123, 0.0])
    np.testing.assert_allclose(always.activity(dates), [1.0, 1.0, 1.0])


def test_hour_weights() -> None:
    fri = demo.hour_weights("Violence and sexual offences", 4, night_time_economy=False, special=False)
    tue = demo.hour_weights("Violence and sexual offences", 1, night_time_economy=False, special=False)
    assert fri.sum() == pytest.approx(1.0) and tue.sum() == pytest.approx(1.0)
    assert fri[23] > tue[23]
    shop = demo.hour_weights("Shoplifting", 5, night_time_economy=True, special=False)
    assert shop[3] < 0.05 * shop[14]


def test_points_near_refuses_an_empty_area() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="no room to place 3 points"):
        demo.points_near(rng, Point(0, 0).buffer(0.1), [(0.0, 0.0)], 1.0, 3)


def test_points_near_stays_inside() -> None:
    rng = np.random.default_rng(0)
    square = shapely.box(0, 0, 100, 100)
    pts = demo.points_near(rng, square, [(50.0, 50.0)], 80.0, 50)
    assert pts.shape == (50, 2)
    assert (pts == np.round(pts)).all()
    assert all(square.contains(Point(p)) for p in pts)


def test_comparators_refuse_an_unknown_crime_type() -> None:
    rng = np.random.default_rng(0)
    inc = pd.DataFrame({"date": ["2026-10-01"], "crime_type": ["Alien abduction"]})
    pop = pd.DataFrame({"population": [100], "households": [40]})
    with pytest.raises(ValueError, match="crime_type 'Alien abduction' has no group"):
        demo.make_comparators(rng, inc, pop, demo.demo_months(1))


def test_comparators_count_small_incidents_by_month_and_group() -> None:
    rng = np.random.default_rng(0)
    inc = pd.DataFrame(
        {
            "date": ["2026-09-03", "2026-10-01", "2026-10-30", "2026-10-31"],
            "crime_type": ["Burglary dwelling", "Burglary", "Anti-social behaviour", "Shoplifting"],
        }
    )
    pop = pd.DataFrame({"population": [1000, 500], "households": [400, 200]})
    out = demo.make_comparators(rng, inc, pop, demo.demo_months(2))
    own = out[out["partnership"] == demo.DEMO_PARTNERSHIP].set_index(["month", "crime_group"])["count"]
    assert own[("2026-09", "Burglary")] == 1
    assert own[("2026-10", "Burglary")] == 1
    assert own[("2026-10", "ASB")] == 1
    assert own[("2026-10", "Shoplifting")] == 1
    assert own[("2026-09", "Drugs")] == 0  # zero months kept
    assert own.sum() == 4
    assert (out.loc[out["partnership"] == demo.DEMO_PARTNERSHIP, "population"] == 1500).all()


def test_peers_toml_parses() -> None:
    parsed = tomllib.loads(demo.peers_toml())
    assert parsed["peer_groups"]["msg"][0] == demo.DEMO_PARTNERSHIP
    assert len(parsed["peer_groups"]["county"]) == 10


# --------------------------------------------------------------------------------------------------
# CLI and loader round trip
# --------------------------------------------------------------------------------------------------


def test_cli_demo_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["demo", "--out-dir", str(tmp_path), "--seed", "3", "--months", "1"])
    assert args.seed == 3 and args.months == 1
    assert args.run(args) == 0
    assert (tmp_path / "shapefiles/demo_beats.shp").exists()
    assert (tmp_path / "data/demo_incidents.csv.gz").exists()
    assert "incidents:" in capsys.readouterr().err


def test_cli_demo_rejects_zero_months(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--out-dir", str(tmp_path), "--months", "0"]) == 1
    assert "n_months" in capsys.readouterr().err


def test_force_loader_reads_the_demo_extract() -> None:
    mapping = force.ColumnMapping(
        area="beat",
        crime_type="crime_type",
        date="date",
        time="time",
        x="easting",
        y="northing",
        crime_id="incident_id",
        location="location",
    )
    frame, report = force.load_force_extract(
        REPO / "data/demo_incidents.csv.gz", mapping, load_crime_groups()
    )
    assert report.rejected == 0
    assert report.accepted == len(frame)
    assert frame["crime_group"].notna().all()
    assert frame["hour"].notna().all()
