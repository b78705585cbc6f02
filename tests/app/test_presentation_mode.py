"""AppTest: presentation mode from the URL (?mode=present or present=1) and the toggle (issue 12)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT, assert_no_errors


def _run(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


@pytest.mark.parametrize(("query", "on"), [
    ({"mode": "present"}, True), ({"present": "1"}, True), ({}, False),
    ({"mode": "present", "present": "0"}, False),  # the toggle's own key wins
])  # fmt: skip
def test_url_turns_presentation_mode_on(demo_env, query, on):
    at = _run(**query)
    assert_no_errors(at)
    assert at.sidebar.toggle(key="f_present").value is on
    styled = any("font-size: 24px" in m.value for m in at.markdown)
    assert styled is on


def test_turning_the_toggle_off_drops_mode_from_the_url(demo_env):
    at = _run(mode="present")
    at.sidebar.toggle(key="f_present").set_value(False).run()
    assert_no_errors(at)
    assert "mode" not in at.query_params and at.query_params["present"] == "0"
    assert not any("font-size: 24px" in m.value for m in at.markdown)
