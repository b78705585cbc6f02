"""ui.hotspots.legend_html: a real list (axe's aria-required-children: a list holds list items)."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd

from ui import hotspots as H


class _Tree(HTMLParser):
    """(parent tag, child tag) pairs and the roles seen."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.pairs: list[tuple[str, str]] = []
        self.roles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pairs.append((self.stack[-1] if self.stack else "", tag))
        self.roles += [v or "" for k, v in attrs if k == "role"]
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()


def test_legend_is_a_list_of_items_named_by_its_title() -> None:
    frame = pd.DataFrame({"colour": ["#440154", ""], "label": ["High", "No data"], "n": [12, 1200]})
    out = H.legend_html(frame, title="Crimes per 1,000")
    tree = _Tree()
    tree.feed(out)
    assert tree.stack == []  # every tag closed
    assert tree.roles == []  # no ARIA role that would need children of its own
    assert [child for parent, child in tree.pairs if parent == "ul"] == ["li", "li"]
    assert "<ul aria-label='Crimes per 1,000'" in out and "<b>Crimes per 1,000</b>" in out
    assert "High <span" in out and "(1,200)" in out
