"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REAL_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real public data folder beside the repo (../shared/data/real), or skip."""
    if not REAL_DATA.is_dir():
        pytest.skip("../shared/data/real not found: real-data tests need the shared folder beside the repo")
    return REAL_DATA.resolve()
