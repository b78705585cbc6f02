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
    assert labels == ["Download CSV", "Download Excel", "Download Word", "Download Markdown"]


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
