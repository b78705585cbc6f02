"""The pages' chart specs are cached across sessions by their data's content (ui.cache.cached_chart_spec)."""

from __future__ import annotations

import altair as alt
import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from csp_data.images import chart_spec
from ui.cache import _geo_digest, cached_chart_spec

CALLS: list[int] = []


def bars(data: pd.DataFrame, *, title: str) -> alt.Chart:
    CALLS.append(len(data))
    return alt.Chart(data).mark_bar().encode(x="month:N", y="count:Q").properties(title=title)


def test_the_same_data_and_options_build_once_and_other_data_builds_again() -> None:
    cached_chart_spec.clear()
    CALLS.clear()
    data = pd.DataFrame({"month": ["Jan", "Feb"], "count": [3, 5]})
    first = cached_chart_spec("t.bars", bars, data, (), {"title": "A"})
    again = cached_chart_spec("t.bars", bars, data.copy(), (), {"title": "A"})  # another session, equal data
    assert CALLS == [2] and first == again
    assert first["title"] == "A" and first["mark"]["type"] == "bar"
    assert [r["count"] for r in first["datasets"][first["data"]["name"]]] == [3, 5]
    suppressed = data.assign(count=[None, 5])  # partner-safe: a small count removed is another chart
    other = cached_chart_spec("t.bars", bars, suppressed, (), {"title": "A"})
    retitled = cached_chart_spec("t.bars", bars, data, (), {"title": "B"})
    assert CALLS == [2, 2, 2]
    assert [r["count"] for r in other["datasets"][other["data"]["name"]]] == [None, 5]
    assert retitled["title"] == "B"


def test_geo_digest_follows_geometry_attributes_and_crs() -> None:
    frame = gpd.GeoDataFrame({"partnership": ["A", "B"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    assert _geo_digest(frame) == _geo_digest(frame.copy())
    moved = frame.copy()
    moved.loc[1, "geometry"] = box(1, 0, 2, 1.5)
    renamed = frame.assign(partnership=["A", "C"])
    assert len({_geo_digest(frame), _geo_digest(moved), _geo_digest(renamed), _geo_digest(frame.to_crs(3857))}) == 4
    g = box(0, 0, 1, 1)
    first = gpd.GeoDataFrame({"partnership": ["A", "A"]}, geometry=[None, g])
    second = gpd.GeoDataFrame({"partnership": ["A", "A"]}, geometry=[g, None])
    assert _geo_digest(first) != _geo_digest(second)  # a shape moved to another row


def test_an_image_from_a_cached_spec_leaves_the_spec_alone() -> None:
    spec = bars(pd.DataFrame({"month": ["Jan"], "count": [1]}), title="T").to_dict(validate=False)
    before = repr(spec)
    out = chart_spec(spec, footer="Source: police.uk")
    assert repr(spec) == before  # the cached spec is shared by every session: never changed
    assert out["vconcat"][1]["data"]["values"][0]["line"] == "Source: police.uk"
