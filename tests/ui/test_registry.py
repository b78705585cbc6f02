"""ui/registry.py: the config registry is bounded (least recently used goes first)."""

from __future__ import annotations

import pytest

from ui.registry import ConfigRegistry


def test_registry_forgets_the_least_recently_used() -> None:
    reg: ConfigRegistry[int] = ConfigRegistry(max_entries=2)
    reg.put("a", 1)
    reg.put("b", 2)
    assert reg.get("a") == 1  # "a" is now the most recent
    reg.put("c", 3)  # evicts "b"
    assert len(reg) == 2 and reg.get("a") == 1 and reg.get("c") == 3
    with pytest.raises(KeyError, match="'b'"):
        reg.get("b")


def test_registry_replaces_and_refuses_zero() -> None:
    reg: ConfigRegistry[str] = ConfigRegistry(max_entries=1)
    reg.put("k", "old")
    reg.put("k", "new")
    assert len(reg) == 1 and reg.get("k") == "new"
    with pytest.raises(ValueError, match="at least 1"):
        ConfigRegistry(max_entries=0)
