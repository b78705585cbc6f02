"""AppTest of the County page: the demo's ten partnerships and Gwent; n/a without district outlines."""

from __future__ import annotations

import pytest

from tests.app.conftest import ROOT, assert_no_errors, run_page

PAGE = "pages/county.py"


@pytest.mark.usefixtures("demo_env")
def test_demo_county_side_by_side() -> None:
    at = run_page(PAGE, timeout=240)
    assert_no_errors(at)
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # sentences are markdown-escaped
    assert "Between Nov 2024 to Oct 2025 and Nov 2025 to Oct 2026, the All crime (excluding ASB) rate" in text
    assert not any("District map n/a" in i.value for i in at.info)  # data/demo_county.geojson
    movers, ranks = at.dataframe[0].value, at.dataframe[1].value
    assert len(movers) == 10
    assert ranks.columns[0] == "crime_group" and len(ranks.columns) == 11  # a column per partnership
    assert set(ranks.iloc[0, 1:]) == {f"{n}{s}/10" for n, s in zip(range(1, 11), ["st", "nd", "rd"] + ["th"] * 7, strict=True)}
    at.radio(key="county_view").set_value("rolling").run()
    assert_no_errors(at)


@pytest.mark.usefixtures("demo_env")
def test_gwent_county_map(monkeypatch: pytest.MonkeyPatch) -> None:
    if not (ROOT.parent / "shared" / "data" / "real" / "gwent").is_dir():
        pytest.skip("../shared/data/real/gwent not found: the real-data test needs the shared folder")
    monkeypatch.setenv("CSP_CONFIG", str(ROOT / "config" / "gwent-real.toml"))
    at = run_page(PAGE, timeout=600)
    assert_no_errors(at)
    assert not any("District map n/a" in i.value for i in at.info)
    ranks = at.dataframe[-1].value
    assert list(ranks.columns) == ["crime_group", "Newport", "Blaenau Gwent", "Caerphilly", "Monmouthshire", "Torfaen"]


@pytest.mark.usefixtures("demo_env")
def test_no_district_outlines_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from csp_data.io import dataset as dataset_mod
    from csp_data.io.districts import DistrictSources

    real = dataset_mod.demo_config
    monkeypatch.setattr(dataset_mod, "demo_config", lambda: replace(real(), county=DistrictSources()))
    at = run_page(PAGE, timeout=240)
    assert_no_errors(at)
    assert "District map n/a: no district boundaries are configured" in " ".join(i.value for i in at.info)


@pytest.mark.usefixtures("demo_env")
def test_partner_safe_suppresses_small_counts_and_their_rates() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.query_params["safe"] = "1"
    at.query_params["group"] = "Possession of weapons"
    at.query_params["preset"] = "custom"
    at.query_params["start"] = "2026-10"
    at.query_params["end"] = "2026-10"  # one month: several neighbours have 1-4 (shipped demo)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert_no_errors(at)
    movers = at.dataframe[0].value
    small = movers["count"].astype(str).eq("<5")
    assert small.sum() >= 3  # Neighbours A, G and I had 3, 2 and 1 (`county --table movers`, Oct 2026)
    # Every partnership with a small count shows no rate built on it.
    assert (movers.loc[small, movers.columns[3]].astype(str) == "<5").all()
