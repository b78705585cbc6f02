"""Fixtures of the risk tests: the shipped config, the priority table of the hand-built partnership, the demo."""

from __future__ import annotations

import pandas as pd
import pytest

from csp_data.risk.config import RiskConfig, load_risk_config
from csp_data.risk.table import priority_table
from tests import risk_fixtures as rf


@pytest.fixture(scope="module")
def cfg() -> RiskConfig:
    return load_risk_config()


@pytest.fixture(scope="module")
def table(cfg: RiskConfig) -> pd.DataFrame:
    return priority_table(rf.dataset(), period=rf.P2021, comparison=rf.P2020, config=cfg)


@pytest.fixture(scope="module")
def demo_and_engine():
    from csp_data.engine import Engine
    from csp_data.io.dataset import build_dataset, demo_config

    d = build_dataset(demo_config())
    engine = Engine.from_frame(d.incidents)
    yield d, engine
    engine.close()
