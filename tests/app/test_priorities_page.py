"""AppTest of the Priorities page: it runs, shows the table with reasons, and re-scores when a weight changes."""

from __future__ import annotations

import pytest

from csp_data.risk import TABLE_COLUMNS
from tests.app.conftest import assert_no_errors, run_page

PAGE = "pages/priorities.py"


def _risk_table(at):
    frame = at.dataframe[0].value
    return frame.data if hasattr(frame, "data") else frame  # a Styler keeps its frame in .data


def test_page_runs_on_demo_with_headline_table_and_text(demo_env):
    at = run_page(PAGE)
    assert_no_errors(at)
    table = _risk_table(at)
    assert list(table.columns) == [
        "Priority", "Risk", "Score", "Likelihood", "Impact", "Previous", "Current", "Change", "% change",
        "Significant", "Rate", "MSG average", "MSG rank", "County rank", "Why",
    ]  # fmt: skip
    assert len(table.columns) == len(TABLE_COLUMNS)
    assert set(table["Risk"]) <= {"Low", "Medium", "High", "Not scored"}
    assert all(w.split(" ")[0] in {"Low", "Medium", "High", "Not"} for w in table["Why"])
    markdown = " ".join(m.value for m in at.markdown)
    assert "High risk" in markdown  # the headline ("No priority is High risk." or "2 priorities are ...")
    assert "Demo data" in " ".join(i.value for i in at.info)
    assert "Risk assessment shows a" in markdown  # generated text of the selected priority
    assert "This assessment covers" in markdown  # executive summary
    labels = [b.label for b in at.get("download_button")]
    # the tables and report, then the PNG and SVG of the priority's months chart (issue 12)
    assert labels == ["Download CSV", "Download Excel", "Download Word", "Download Markdown", "Download PNG",
                      "Download SVG"]


def test_editing_a_harm_weight_changes_the_risk(demo_env):
    at = run_page(PAGE)
    before = _risk_table(at).set_index("Priority")
    assert before.loc["Vehicle crime", "Impact"] == "2"
    at.slider(key="risk_h_Vehicle crime").set_value(4).run()
    assert_no_errors(at)
    after = _risk_table(at).set_index("Priority")
    assert after.loc["Vehicle crime", "Impact"] == "4"
    likelihood = int(after.loc["Vehicle crime", "Likelihood"])
    assert after.loc["Vehicle crime", "Score"] == str(likelihood * 4)
    score = likelihood * 4
    assert after.loc["Vehicle crime", "Risk"] == ("High" if score >= 12 else "Medium" if score >= 6 else "Low")
    if likelihood >= 3:  # 6 or 8 (Medium) became 12 or 16 (High)
        assert (before.loc["Vehicle crime", "Risk"], after.loc["Vehicle crime", "Risk"]) == ("Medium", "High")
    assert "Scoring settings changed for this session" in " ".join(i.value for i in at.info)


def test_editing_a_likelihood_weight_and_cut_points_rescores(demo_env):
    at = run_page(PAGE)
    at.number_input(key="risk_cut_high").set_value(2).run()
    at.number_input(key="risk_cut_medium").set_value(1).run()
    assert_no_errors(at)
    scored = _risk_table(at)
    assert set(scored.loc[scored["Risk"] != "Not scored", "Risk"]) == {"High"}
    at.slider(key="risk_w_trend").set_value(0.0).run()
    assert_no_errors(at)
    assert all("(weight 0, not used)" in w for w in _risk_table(at)["Why"] if "not scored" not in w)


def test_reset_to_defaults(demo_env):
    at = run_page(PAGE)
    first = _risk_table(at)
    at.slider(key="risk_h_Vehicle crime").set_value(4).run()
    at.button(key="risk_reset").click().run()
    assert_no_errors(at)
    assert at.slider(key="risk_h_Vehicle crime").value == 2
    assert _risk_table(at).equals(first)


def test_bad_cut_points_fall_back_to_defaults_with_a_message(demo_env):
    at = run_page(PAGE)
    at.number_input(key="risk_cut_medium").set_value(15).run()
    at.number_input(key="risk_cut_high").set_value(3).run()
    assert not at.exception
    assert any("medium = 15 is above high = 3" in e.value for e in at.error)


def test_choosing_a_priority_shows_its_context(demo_env):
    at = run_page(PAGE)
    at.selectbox(key="risk_detail").set_value("Vehicle crime").run()
    assert_no_errors(at)
    markdown = " ".join(m.value for m in at.markdown)
    assert "vehicle crime offences" in markdown
    assert "has reported the highest number of vehicle crime offences" in markdown


@pytest.mark.real
def test_page_runs_on_real_data(real_env):
    at = run_page(PAGE)
    assert_no_errors(at)
    table = _risk_table(at).set_index("Priority")
    # the sample has 13 months: the default 12 months to Jan 2022 has 1 of its 12 comparison months
    assert table.loc["All crime", "Previous"] == "n/a: only 1 of 12 months in the data"
    assert table.loc["All crime", "MSG rank"] == "n/a: no MSG peers"
    assert table.loc["All crime", "County rank"].endswith("/10")
    assert "Dacorum" in " ".join(m.value for m in at.markdown)
    # police.uk: dwelling burglary is the labelled all-burglary proxy, per 1,000 households (the county
    # comparators have Census 2011 households; Dacorum 59,938), ranked in the county
    burglary = table.loc["Dwelling burglary — proxy: Burglary (all: police.uk has no dwelling split)"]
    assert burglary["Rate"].endswith(" per 1,000 households")
    assert burglary["County rank"].endswith("/10")
    assert "Dwelling burglary" not in table.index


# --------------------------------------------------------------------------------------------------
# issue 10 points 15 and 17 on a small police.uk dataset made here: three wards, one without a population


def _tiny_policeuk(tmp_path):
    """13 months of police.uk rows in Testham (3 burglaries and 2 violence a month, in wards A1 and A2),
    the wards as GeoJSON and a population file that leaves out ward A3 ("Third")."""
    import json

    header = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
              "Last outcome category,Context\n")
    squares = {"A1": ("First", -0.48), "A2": ("Second", -0.47), "A3": ("Third", -0.46)}
    features = [
        {"type": "Feature", "properties": {"code": c, "name": n},
         "geometry": {"type": "Polygon", "coordinates": [[[x, 51.74], [x + 0.01, 51.74], [x + 0.01, 51.75],
                                                           [x, 51.75], [x, 51.74]]]}}
        for c, (n, x) in squares.items()
    ]
    (tmp_path / "wards.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    (tmp_path / "pop.csv").write_text("area_code,population\nA1,1000\nA2,2000\n", encoding="utf-8")
    for month in [f"2021-{m:02d}" for m in range(1, 13)] + ["2022-01"]:
        folder = tmp_path / "policeuk" / month
        folder.mkdir(parents=True)
        rows = [("Burglary", -0.475)] * 3 + [("Violence and sexual offences", -0.465)] * 2
        body = "".join(f"{month}-{i},{month},P,P,{x},51.745,On or near X,E01000001,Testham 001A,{t},,\n"
                       for i, (t, x) in enumerate(rows))
        (folder / f"{month}-test-street.csv").write_text(header + body, encoding="utf-8")
    cfg = tmp_path / "csp.toml"
    cfg.write_text(
        'name = "Testham police.uk"\npartnership = "Testham"\n[incidents]\nformat = "policeuk"\n'
        'paths = ["policeuk"]\n[boundaries]\npath = "wards.geojson"\ncode_field = "code"\nname_field = "name"\n'
        'label = "ward"\n[population]\npath = "pop.csv"\ncode_column = "area_code"\nvalue_column = "population"\n',
        encoding="utf-8",
    )
    return cfg


def test_policeuk_proxies_are_labelled_and_a_partial_population_is_na_on_every_page(tmp_path, monkeypatch):
    monkeypatch.setenv("CSP_CONFIG", str(_tiny_policeuk(tmp_path)))
    at = run_page(PAGE)
    assert_no_errors(at)
    table = _risk_table(at).set_index("Priority")
    proxy = "Dwelling burglary — proxy: Burglary (all: police.uk has no dwelling split)"
    assert table.loc[proxy, "Current"] == "36"  # 3 a month, Feb 2021 to Jan 2022: all burglary, labelled
    assert "Dwelling burglary" not in table.index  # never unlabelled
    violence = "Alcohol-related violence — proxy: Violence and sexual offences (all: the data have no alcohol flag)"
    assert table.loc[violence, "Current"] == "24"
    # point 17: ward Third has no population, so no total: n/a with the ward named (burglary has no households)
    assert table.loc["All crime", "Rate"] == "n/a: population missing for 1 of 3 areas (Third)"
    assert table.loc[proxy, "Rate"] == "n/a: population missing for 1 of 3 areas (Third)"
    text = " ".join(m.value for m in at.markdown)
    assert "There were 36 burglaries (all: police.uk has no dwelling split) recorded" not in text  # not selected
    # the Trends page applies the same rule: no rate (before, it summed the two wards it had: 5 per 1,000)
    at.switch_page("pages/trends.py").run()
    assert_no_errors(at)
    trends = " ".join(str(m.value) for m in at.markdown) + " ".join(str(c.value) for c in at.caption)
    assert "All crime (excluding ASB): no rate for the 12 months to Jan 2022" in trends
    assert "No rate for Testham from its areas: population missing for 1 of 3 areas (Third)." in trends
    # the Overview names the proxy rows by their labels
    at.switch_page("pages/home.py").run()
    assert_no_errors(at)
    overview = next(d.value for d in at.dataframe if "Crime group" in d.value.columns).set_index("Crime group")
    assert overview.loc[proxy].iloc[1] == "36"
    assert "Dwelling burglary" not in overview.index and "Burglary (all: police.uk has no dwelling split)" not in overview.index
