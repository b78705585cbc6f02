"""AppTest of the Similar places page: the suggestion on the demo and on the real ONS tables, and adopting it."""

from __future__ import annotations

import pytest

from tests.app.conftest import assert_no_errors, run_page

PAGE = "pages/peers.py"


@pytest.mark.usefixtures("demo_env")
def test_demo_suggestion_explained_and_adopted_for_the_session() -> None:
    at = run_page(PAGE, timeout=240)
    assert_no_errors(at)
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # sentences are markdown-escaped
    assert "The 14 partnerships most like Demo Borough on 7 variables" in text
    assert "It shares 12 of its 14 peers with the MSG given in the config (14 peers)" in text
    table = at.dataframe[0].value
    assert list(table.columns[:5]) == ["rank", "partnership", "code", "distance", "in_msg"]
    assert len(table) == 15 and table["distance"].iloc[0] == 0
    variables = at.dataframe[1].value
    assert "n/a: no `pct_aged_16_24` column in the tables given" in " ".join(variables["status"])
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "weighted Euclidean distance" in captions and "demo_peer_variables.csv" in captions
    assert "no rows in the comparator table (Other Town F)" in captions
    at.number_input(key="peer_w_imd_score").set_value(0.0).run()
    assert "on 6 variables" in " ".join(m.value for m in at.markdown).replace("\\", "")
    at.button(key="peer_adopt_session").click().run()
    assert_no_errors(at)
    assert any("for this session" in s.value for s in at.success)
    saved = at.session_state["trend_peers::Demo Borough (synthetic)::Demo Borough"]
    assert "Other Town F" not in saved["msg"] and len(saved["msg"]) == 13


@pytest.mark.usefixtures("real_env")
def test_real_ons_tables() -> None:
    at = run_page(PAGE, timeout=600)
    assert_no_errors(at)
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # sentences are markdown-escaped
    assert "The 14 partnerships most like Dacorum on 5 variables" in text
    assert "out of 309 compared" in text  # 314 CSPs in C4, 4 without 2011 tenure, less Dacorum itself
    assert "No Home Office MSG is given in the config" in text
