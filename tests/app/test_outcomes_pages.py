"""AppTest: the outcome mix on Trends and Priorities (n/a on the demo, the table on the real Herts data)."""

from __future__ import annotations

import pytest

from tests.app.conftest import assert_no_errors, run_page

PAGES = ["pages/trends.py", "pages/priorities.py"]


def outcome_subheaders(at) -> list[str]:
    return [s.value for s in at.subheader if s.value.startswith("Outcomes:")]


@pytest.mark.parametrize("page", PAGES)
def test_demo_says_why_there_are_no_outcomes(demo_env, page) -> None:
    at = run_page(page)
    assert_no_errors(at)
    assert outcome_subheaders(at)
    assert any("n/a: force extracts have no police.uk outcomes files" in c.value for c in at.caption)


@pytest.mark.parametrize("page", PAGES)
def test_real_herts_outcome_mix(real_env, page) -> None:
    at = run_page(page, timeout=300)
    assert_no_errors(at)
    assert outcome_subheaders(at)
    assert any("Outcomes lag" in w.value for w in at.warning)
    tables = [df.value for df in at.dataframe if "Outcome" in df.value.columns]
    assert tables and list(tables[0].columns) == ["Crime group", "Outcome", "Dacorum crimes", "Dacorum %", "County %"]
