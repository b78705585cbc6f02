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


def test_trends_shows_the_asb_split_of_a_force_extract(tmp_path, monkeypatch) -> None:
    from tests.test_asb import write_dataset

    monkeypatch.setenv("CSP_CONFIG", str(write_dataset(tmp_path)))
    at = run_page("pages/trends.py")
    assert_no_errors(at)
    assert any(s.value.startswith("ASB by class") for s in at.subheader)
    tables = [df.value for df in at.dataframe if "ASB class" in df.value.columns]
    assert tables and tables[0]["ASB class"].tolist()[:3] == ["Nuisance", "Personal", "Environmental"]


def test_trends_says_police_uk_has_no_asb_class(real_env) -> None:
    at = run_page("pages/trends.py", timeout=300)
    assert_no_errors(at)
    assert any("n/a: police.uk publishes no ASB class" in c.value for c in at.caption)
