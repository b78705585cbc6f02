"""Fixtures for the tests of csp_data.trends."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def demo_and_engine():
    from csp_data.engine import Engine
    from csp_data.io.dataset import build_dataset, demo_config

    d = build_dataset(demo_config())
    engine = Engine.from_frame(d.incidents)
    yield d, engine
    engine.close()
