"""Tests for csp_data.charts: chart specs checked with to_dict(), no browser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data.charts import (
    BAND_COLOUR,
    MSG_COLOUR,
    PARTNERSHIP_COLOUR,
    profile_chart,
    seasonality_chart,
    segments,
    trend_chart,
)


def frame() -> pd.DataFrame:
    months = pd.date_range("2021-01", periods=5, freq="MS")
    return pd.DataFrame(
        {
            "month": months,
            "count": [10.0, 12.0, np.nan, 11.0, 13.0],
            "rate": [1.0, 1.2, np.nan, 1.1, 1.3],
            "msg_average": [1.1, 1.1, np.nan, 1.0, 1.2],
            "msg_sd": [0.1] * 5,
            "band_low": [1.0, 1.0, np.nan, 0.9, 1.1],
            "band_high": [1.2, 1.2, np.nan, 1.1, 1.3],
            "rank": [2.0, 3.0, np.nan, 4.0, 5.0],
            "group_size": [15, 15, 0, 15, 15],
            "rank_label": ["2nd/15", "3rd/15", "–", "4th/15", "5th/15"],
            "county_average": [1.3, 1.3, np.nan, 1.3, 1.3],
            "county_rank_label": ["1st/10"] * 5,
        }
    )


def layer_data(spec: dict, i: int) -> list[dict]:
    return spec["datasets"][spec["layer"][i]["data"]["name"]]


def test_segments_break_at_gaps() -> None:
    seg = segments(frame(), "rate")
    assert seg["segment"].tolist() == [0, 0, 1, 1]
    assert len(seg) == 4  # the gap month is left out, not set to 0


def test_trend_chart_layers_colours_and_gap() -> None:
    spec = trend_chart(frame(), partnership="Dacorum", title="Dacorum is 5th/15", subtitle="Crimes per 1,000").to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["area", "line", "line", "line", "text"]  # band, MSG, county, partnership, latest value
    assert spec["layer"][0]["mark"]["color"] == BAND_COLOUR
    colour = spec["layer"][3]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["Dacorum", "MSG average", "County average"]
    assert colour["range"] == [PARTNERSHIP_COLOUR, MSG_COLOUR, "#4d4d4d"]
    assert spec["layer"][3]["encoding"]["strokeDash"]["scale"]["range"][2] == [6, 4]  # county dashed
    own = layer_data(spec, 3)
    assert [r["rate"] for r in own] == [1.0, 1.2, 1.1, 1.3]  # no zero for the gap
    assert len({r["segment"] for r in own}) == 2  # the line breaks at the gap
    assert spec["layer"][3]["encoding"]["detail"]["field"] == "segment"
    tooltips = [t["field"] for t in spec["layer"][3]["encoding"]["tooltip"]]
    assert "rank_label" in tooltips and "county_rank_label" in tooltips
    assert layer_data(spec, 4)[0]["label"] == "1.3"  # latest value annotated
    assert spec["title"]["text"] == "Dacorum is 5th/15" and spec["title"]["subtitle"] == "Crimes per 1,000"


def test_trend_chart_count_view_and_options() -> None:
    spec = trend_chart(frame(), partnership="A", title="t", subtitle="s", view="count").to_dict()
    assert len(spec["layer"]) == 2  # counts of other partnerships are not comparable: own line + label
    assert layer_data(spec, 1)[0]["label"] == "13"
    spec = trend_chart(frame(), partnership="A", title="t", subtitle="s", show_band=False,
                       show_county=False).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]][:2] == ["line", "line"] and len(spec["layer"]) == 3


def test_trend_chart_checks_inputs() -> None:
    with pytest.raises(ValueError, match="view: expected 'rate' or 'count', got 'share'"):
        trend_chart(frame(), partnership="A", title="t", subtitle="s", view="share")
    with pytest.raises(ValueError, match=r"frame: missing column\(s\) \['rank_label'\]"):
        trend_chart(frame().drop(columns="rank_label"), partnership="A", title="t", subtitle="s")


def test_seasonality_chart_marks_peaks_and_gaps() -> None:
    prof = pd.DataFrame(
        {
            "month": pd.date_range("2021-01", periods=3, freq="MS"),
            "month_name": ["Jan", "Feb", "Mar"],
            "count": [5.0, np.nan, 20.0],
            "average": [4.0, 4.0, np.nan],
            "years_used": [1, 1, 0],
            "peak": [False, False, True],
        }
    )
    spec = seasonality_chart(prof, title="t", subtitle="s").to_dict()
    bars = layer_data(spec, 0)
    assert [b["count"] for b in bars] == [5.0, 20.0]  # the gap has no bar
    assert [b["kind"] for b in bars] == ["This year", "Peak"]
    assert [g["text"] for g in layer_data(spec, 2)] == ["no data"]
    with pytest.raises(ValueError, match=r"profile: missing column\(s\) \['peak'\]"):
        seasonality_chart(prof.drop(columns="peak"), title="t", subtitle="s")


def test_profile_chart_order() -> None:
    prof = pd.DataFrame({"day": ["Monday", "Tuesday"], "count": [3, 0], "share": [100.0, 0.0]})
    spec = profile_chart(prof, x="day", title="t", subtitle="s", order=["Monday", "Tuesday"]).to_dict()
    assert spec["encoding"]["x"]["sort"] == ["Monday", "Tuesday"]
    assert [r["count"] for r in spec["datasets"][spec["data"]["name"]]] == [3, 0]  # zero kept
    with pytest.raises(ValueError, match="profile: missing column 'hour'"):
        profile_chart(prof, x="hour", title="t", subtitle="s")


def test_isolated_months_get_points_and_a_band_bar() -> None:
    # annual comparators: Dec 2023 and Dec 2024 with 11 empty months between
    months = pd.date_range("2023-12", periods=13, freq="MS")
    f = pd.DataFrame({"month": months})
    for col in ("count", "rate", "msg_average", "msg_sd", "band_low", "band_high", "rank", "county_average"):
        f[col] = np.nan
    f.loc[[0, 12], ["rate", "msg_average", "band_low", "band_high"]] = [[60.0, 62.0, 55.0, 69.0], [66.0, 66.7, 55.2, 78.2]]
    f["rank_label"] = "–"
    spec = trend_chart(f, partnership="Dacorum", title="t", subtitle="s").to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks[:2] == ["area", "rule"]  # a lone month's band is drawn as a bar
    msg_line = spec["layer"][2]
    assert msg_line["mark"]["point"] is True  # a lone month's average is drawn as a point
    assert len(layer_data(spec, 1)) == 2


# ------------------------------------------------------------------ monthly_chart (issue 10, point 14)


def _layer_data(spec: dict) -> list[list[dict]]:
    """The rows each layer draws (Altair puts layer data in the top-level datasets)."""
    return [spec["datasets"][layer["data"]["name"]] for layer in spec["layer"]]


def _monthly_frame() -> pd.DataFrame:
    from csp_data.periods import month_range, reindex_months

    months = month_range(pd.Timestamp("2020-11-01"), pd.Timestamp("2021-04-01"))
    covered = pd.DatetimeIndex(["2021-01-01", "2021-02-01", "2021-04-01"])  # Mar 2021: no incident at all
    counts = pd.Series({pd.Timestamp("2021-01-01"): 5, pd.Timestamp("2021-04-01"): 3})
    return reindex_months(counts, months, covered=covered)


def test_monthly_chart_months_without_data_are_gaps_not_zeros() -> None:
    from csp_data.charts import monthly_chart

    spec = monthly_chart(_monthly_frame(), title="t").to_dict()
    gaps, line = _layer_data(spec)
    # the line has only the months with data (Feb 2021 is a true 0), split at the Mar 2021 gap
    assert [(r["month"][:7], r["count"]) for r in line] == [("2021-01", 5.0), ("2021-02", 0.0), ("2021-04", 3.0)]
    assert len({r["segment"] for r in line}) == 2
    assert spec["layer"][1]["encoding"]["detail"]["field"] == "segment"
    # the missing months are a grey rule whose tooltip gives the reason, with no count at all
    assert [(r["month"][:7], r["note"]) for r in gaps] == [
        ("2020-11", "n/a: no data before Jan 2021"), ("2020-12", "n/a: no data before Jan 2021"),
        ("2021-03", "n/a: no data for Mar 2021"),
    ]
    assert all("count" not in r for r in gaps)
    # the x axis spans every month, so the gap before the data is visible
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"][0].startswith("2020-11-01")


def test_monthly_chart_bars_and_series() -> None:
    from csp_data.charts import monthly_chart

    f = _monthly_frame()
    f["period"] = ["Comparison"] * 3 + ["This period"] * 3
    spec = monthly_chart(f, title="t", series="period", mark="bar",
                         colours={"Comparison": "#bdbdbd", "This period": "#0072B2"}).to_dict()
    _gaps, bars = _layer_data(spec)
    assert spec["layer"][1]["mark"]["type"] == "bar"
    assert [r["count"] for r in bars] == [5.0, 0.0, 3.0]
    assert spec["layer"][1]["encoding"]["color"]["scale"]["range"] == ["#bdbdbd", "#0072B2"]
    with pytest.raises(ValueError, match="mark: expected 'line' or 'bar', got 'area'"):
        monthly_chart(f, title="t", mark="area")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="missing column 'count'"):
        monthly_chart(f.drop(columns="count"), title="t")


def test_peak_months_chart_draws_bars_and_keeps_every_month_on_the_axis() -> None:
    from csp_data.charts import peak_months_chart

    months = pd.DataFrame({"label": ["Jan", "Feb", "Mar"], "count": [3.0, np.nan, 7.0],
                           "which": ["Other", "Other", "Peak"]})
    spec = peak_months_chart(months, domain=["Jan", "Feb", "Mar"], title="T", subtitle="S").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["scale"]["domain"] == ["Jan", "Feb", "Mar"]
    assert spec["encoding"]["color"]["scale"]["range"] == ["#C85200", "#0072B2"]
    assert spec["title"]["text"] == "T" and spec["title"]["subtitle"] == "S"
    data = next(iter(spec["datasets"].values()))
    assert [r["label"] for r in data] == ["Jan", "Mar"]  # no bar for a month without data


def test_distance_chart_nearest_first_and_msg_members_coloured():
    from csp_data.charts import distance_chart

    table = pd.DataFrame({"rank": [0, 1, 2], "partnership": ["Me", "B", "A"], "distance": [0.0, 0.4, 0.9],
                          "in_msg": ["yes", "no", "yes"]})
    spec = distance_chart(table, title="t", subtitle="s", msg_label="In the config's MSG").to_dict()
    assert spec["encoding"]["y"]["sort"] == ["B", "A"]  # the partnership itself is not a bar
    assert spec["encoding"]["color"]["field"] == "in_msg"
    with pytest.raises(ValueError, match="missing column 'distance'"):
        distance_chart(table.drop(columns="distance"), title="t", subtitle="s")


def test_small_multiples_one_panel_per_partnership_with_the_county_average():
    from csp_data.charts import small_multiples_chart

    frame = pd.DataFrame({"partnership": ["A", "A", "B", "B"], "month": pd.to_datetime(["2021-01-01", "2021-02-01"] * 2),
                          "rate": [1.0, 2.0, 3.0, float("nan")], "county_average": [2.0, 2.0, 2.0, 2.0]})
    spec = small_multiples_chart(frame, title="t", subtitle="s", measure="per 1,000").to_dict()
    assert spec["facet"]["field"] == "partnership" and spec["facet"]["sort"] == ["A", "B"]
    marks = [layer["mark"].get("strokeDash") for layer in spec["spec"]["layer"]]
    assert marks == [None, [4, 3]]  # the partnership solid, the county average dashed


def test_district_map_draws_only_layers_with_features():
    from shapely.geometry import box

    from csp_data.charts import district_map_chart

    districts = pd.DataFrame({"partnership": ["A", "B"], "geometry": [box(0, 51, 0.1, 51.1), box(0.1, 51, 0.2, 51.1)]})
    spec = district_map_chart(districts, {"A": 1.5, "B": 2.5}, title="t", subtitle="s", measure="per 1,000").to_dict()
    assert len(spec["layer"]) == 3  # shaded, halo, labels: no empty n/a layer
    spec = district_map_chart(districts, {"A": 1.5}, title="t", subtitle="s", measure="per 1,000").to_dict()
    assert len(spec["layer"]) == 4  # B has no rate: the grey n/a layer too
