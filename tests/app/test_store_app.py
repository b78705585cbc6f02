"""The app on a Parquet store (``store = "parquet"``): the same pages and numbers as the in-memory load."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.app.conftest import REAL_CONFIG, REAL_DATA, assert_no_errors, run_page


def store_config(folder: Path) -> Path:
    """herts-real.toml with absolute paths and ``store = "parquet"`` (store kept in ``folder``)."""
    text = REAL_CONFIG.read_text(encoding="utf-8").replace('"../../shared/', f'"{REAL_DATA.parent.parent}/')
    text = text.replace(
        'format = "policeuk"', f'format = "policeuk"\nstore = "parquet"\nstore_dir = "{folder / "store"}"'
    )
    path = folder / "herts-store.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def store_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    if not REAL_DATA.is_dir():
        pytest.skip("../shared/data/real not found: real-data tests need the shared folder beside the repo")
    cfg = store_config(tmp_path)
    monkeypatch.setenv("CSP_CONFIG", str(cfg))
    return cfg


@pytest.mark.real
def test_overview_from_the_store_equals_memory(store_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored = run_page()
    assert_no_errors(stored)
    dataset = stored.session_state["dataset"]
    assert dataset.store is not None and dataset.store.rows == 108_465
    assert len(dataset.incidents) == 13_187
    monkeypatch.setenv("CSP_CONFIG", str(REAL_CONFIG))
    memory = run_page()
    assert memory.session_state["dataset"].store is None
    pd.testing.assert_frame_equal(stored.dataframe[0].value, memory.dataframe[0].value)


@pytest.mark.real
@pytest.mark.parametrize("page", ["pages/data.py", "pages/trends.py", "pages/hotspots.py", "pages/priorities.py"])
def test_pages_run_from_the_store(store_env: Path, page: str) -> None:
    at = run_page(page)
    assert_no_errors(at)
    if page == "pages/data.py":
        text = " ".join(m.value for m in [*at.markdown, *at.info])
        assert "Large-dataset mode" in text and "Parquet store" in text and "108,465 incidents of 183 partnerships" in text
