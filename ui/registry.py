"""A bounded, thread-safe registry of dataset configs by key (used by ui/cache.py)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

T = TypeVar("T")


class ConfigRegistry(Generic[T]):
    """Keeps the ``max_entries`` most recently registered or read values; older keys are forgotten.

    The dataset cache holds only a key; the registry maps it back to the config that built it, so a
    cached function can rebuild an evicted dataset. It must not grow with every config a long-running
    server has seen.
    """

    def __init__(self, max_entries: int = 16) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.max_entries = max_entries
        self._items: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: str, value: T) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def get(self, key: str) -> T:
        """The value under ``key``; a KeyError naming the key when it was never registered or was evicted."""
        with self._lock:
            if key not in self._items:
                raise KeyError(f"no dataset config registered under {key!r} (evicted or never loaded)")
            self._items.move_to_end(key)
            return self._items[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
