"""Tests for ui.hotspot_maps: the map choice picks its renderer (the maps themselves: tests/app)."""

from __future__ import annotations

from typing import Any

import pytest

from ui import hotspot_maps


@pytest.mark.parametrize("view", ["areas", "density", "gistar", "emerging"])
def test_show_map_dispatches_on_the_view(view: str, monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[tuple[str, Any]] = []
    for name, fn in (("areas", "area"), ("density", "density"), ("gistar", "gistar"), ("emerging", "emerging")):
        monkeypatch.setattr(hotspot_maps, f"show_{fn}_map", lambda ctx, n=name: called.append((n, ctx)))
    ctx: Any = object()
    hotspot_maps.show_map(view, ctx)
    assert called == [(view, ctx)]
