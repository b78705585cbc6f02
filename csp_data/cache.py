"""The only csp_data module that imports streamlit: caching at the I/O edge.

The dataset is loaded once per process per config key (``st.cache_resource``); pages pass the key,
never the frames, to cached functions, and look the dataset up with ``get_dataset(key)``.
"""

from __future__ import annotations

import threading

import streamlit as st

from csp_data.dataset import DatasetConfig, build_dataset
from csp_data.model import Dataset

# Config objects by key, so a page that only holds the key can rebuild the dataset after a restart.
_CONFIGS: dict[str, DatasetConfig] = {}
_LOCK = threading.Lock()


@st.cache_resource(show_spinner="Loading and validating the data…", max_entries=4)
def _load(key: str) -> Dataset:
    with _LOCK:
        config = _CONFIGS[key]
    return build_dataset(config)


def load_dataset(config: DatasetConfig) -> tuple[str, Dataset]:
    """Load (once per process) the dataset a config describes; returns (key, dataset)."""
    key = config.key
    with _LOCK:
        _CONFIGS[key] = config
    return key, _load(key)


def get_dataset(key: str) -> Dataset:
    """The dataset loaded under ``key`` (cached)."""
    return _load(key)
