"""The only csp_data module that imports streamlit: caching at the I/O edge.

The dataset and its query engine (DuckDB over the incidents, see csp_data/engine.py) are built once
per process per config key (``st.cache_resource``); per-filter aggregates are cached with bounded
``st.cache_data`` wrappers that take the key and plain filter values, never frames.
"""

from __future__ import annotations

import threading

import pandas as pd
import streamlit as st

from csp_data.aggregate import count_by
from csp_data.engine import Engine
from csp_data.io.dataset import DatasetConfig, build_dataset
from csp_data.model import Dataset
from csp_data.overview import headline_table
from csp_data.periods import Period, to_month

# Configs by key, so a cached function that holds only the key can (re)build the dataset. Keys are
# derived from the config and its files' modification times, so an entry never changes meaning.
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


def get_config(key: str) -> DatasetConfig:
    """The config the dataset under ``key`` was loaded from (for its folder: ``base_dir``)."""
    with _LOCK:
        return _CONFIGS[key]


def get_dataset(key: str) -> Dataset:
    """The dataset loaded under ``key`` (cached)."""
    return _load(key)


@st.cache_resource(show_spinner=False, max_entries=4)
def get_engine(key: str) -> Engine:
    """The DuckDB query engine over the dataset's incidents (built once per process)."""
    return Engine.from_frame(get_dataset(key).incidents)


def _period(start: str, end: str) -> Period:
    return Period(to_month(start), to_month(end))


@st.cache_data(show_spinner=False, max_entries=64)
def cached_headline(
    key: str, start: str, end: str, comp_start: str, comp_end: str, areas: tuple[str, ...]
) -> pd.DataFrame:
    """Overview headline table for a period (months as 'YYYY-MM'), computed by the engine."""
    dataset = get_dataset(key)
    return headline_table(
        None, dataset.groups, period=_period(start, end), comparison=_period(comp_start, comp_end),
        areas=areas, months_available=dataset.months, engine=get_engine(key),
    )


@st.cache_data(show_spinner=False, max_entries=64)
def cached_counts(key: str, by: tuple[str, ...], group: str | None, areas: tuple[str, ...] = ()) -> pd.DataFrame:
    """count_by over all months for a group (None = every incident), by the engine."""
    dataset = get_dataset(key)
    return count_by(None, list(by), groups=dataset.groups, group=group, areas=areas, engine=get_engine(key))
