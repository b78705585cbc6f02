from __future__ import annotations

import pandas as pd

from csp_data.groups import load_crime_groups
from csp_data.overview import headline_table
from csp_data.periods import Period
from csp_data.text.overview import headline_sentence


def _incidents(rows):
    g = load_crime_groups()
    df = pd.DataFrame(rows, columns=["month", "crime_type", "area_code"])
    df["month"] = pd.to_datetime(df["month"])
    df["crime_group"] = g.assign(df["crime_type"])
    return df, g


def test_headline_counts_change_and_new():
    rows = (
        [("2021-01-01", "Burglary", "A")] * 4
        + [("2020-06-01", "Burglary", "A")] * 2
        + [("2021-03-01", "Anti-social behaviour", "B")] * 3
        + [("2021-02-01", "Drugs", "B")]  # previous 0 -> "new"
    )
    df, g = _incidents(rows)
    period = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))
    t = headline_table(df, g, period=period, comparison=period.previous()).set_index("crime_group")
    assert t.loc["Burglary", ["previous", "current", "change"]].tolist() == [2, 4, 2]
    assert t.loc["Burglary", "pct_change"] == 100.0
    assert t.loc["All crime (excluding ASB)", "current"] == 5
    assert t.loc["ASB", "current"] == 3
    assert pd.isna(t.loc["Drugs", "pct_change"])
    assert t.loc["Robbery", ["previous", "current"]].tolist() == [0, 0]  # zero groups kept
    # z = 2(sqrt 4 - sqrt 2) = 1.17 -> not significant, small numbers
    assert not t.loc["Burglary", "significant"]
    assert t.loc["Burglary", "small_numbers"]


def test_area_filter_and_sentence():
    rows = [("2021-01-01", "Burglary", "A")] * 121 + [("2020-01-01", "Burglary", "A")] * 100 + [
        ("2021-01-01", "Burglary", "B")
    ] * 7
    df, g = _incidents(rows)
    period = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))
    t = headline_table(df, g, period=period, comparison=period.previous(), areas=["A"])
    row = t.set_index("crime_group").loc["Burglary"]
    assert (row["previous"], row["current"]) == (100, 121)
    assert bool(row["significant"])  # z = 2(11 - 10) = 2.0
    text = headline_sentence(t, period=period, comparison=period.previous())
    assert "121 crimes" in text and "up 21.0%" in text and "Burglary (+21)" in text


def test_no_change_when_the_comparison_period_is_not_covered():
    rows = [("2021-01-01", "Burglary", "A")] * 5 + [("2020-12-01", "Burglary", "A")] * 2
    df, g = _incidents(rows)
    period = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))
    months = sorted(df["month"].unique())
    t = headline_table(df, g, period=period, comparison=period.previous(), months_available=months)
    row = t.set_index("crime_group").loc["Burglary"]
    assert row["current"] == 5
    assert pd.isna(row["previous"]) and pd.isna(row["change"]) and pd.isna(row["significant"])
    text = headline_sentence(t, period=period, comparison=period.previous(), months_available=months)
    assert "No change can be given: the data holds 1 of the 12 months" in text


def test_engine_and_pandas_give_the_same_headline():
    from csp_data.engine import Engine
    from csp_data.io.dataset import build_dataset, demo_config

    d = build_dataset(demo_config())
    period = Period(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"))
    kwargs = dict(period=period, comparison=period.previous(), months_available=d.months, areas=["D1A", "D2A"])
    by_pandas = headline_table(d.incidents, d.groups, **kwargs)
    by_engine = headline_table(None, d.groups, engine=Engine.from_frame(d.incidents), **kwargs)
    pd.testing.assert_frame_equal(by_pandas, by_engine)
    # and the pandas path agrees with a direct count
    direct = d.incidents.loc[
        d.incidents["area_code"].isin(["D1A", "D2A"]) & period.contains(d.incidents["month"])
        & (d.incidents["crime_group"] == "Burglary")
    ]
    assert by_pandas.set_index("crime_group").loc["Burglary", "current"] == len(direct)


def test_groups_the_source_cannot_give_are_labelled_proxies_or_na(tmp_path):
    """Issue 10 point 15: on police.uk data the Overview showed "Dwelling burglary 0" while the Priorities
    page counted all burglary. Now the row is the labelled proxy (or n/a with the reason), the same count
    as Burglary; on a force extract it is real dwelling burglary."""
    rows = (
        [("2021-01-01", "Burglary", "A")] * 4 + [("2020-06-01", "Burglary", "A")] * 2
        + [("2021-02-01", "Violence and sexual offences", "B")] * 3
    )
    df, g = _incidents(rows)
    period = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))
    t = headline_table(df, g.for_source("policeuk"), period=period, comparison=period.previous())
    t = t.set_index("crime_group")
    dw = t.loc["Dwelling burglary"]
    assert dw["label"] == "Dwelling burglary — proxy: Burglary (all: police.uk has no dwelling split)"
    assert (dw["previous"], dw["current"], dw["change"], dw["note"]) == (2, 4, 2, "")
    assert t.loc["Alcohol-related violence", "label"] == (
        "Alcohol-related violence — proxy: Violence and sexual offences (all: the data have no alcohol flag)")
    assert t.loc["Alcohol-related violence", "current"] == 3
    # nothing else changed: every other row is labelled with its own name and counts as before
    plain = t.drop(index=["Dwelling burglary", "Alcohol-related violence"])
    assert (plain["label"] == plain.index).all() and (plain["note"] == "").all()
    assert t.loc["Burglary", ["previous", "current"]].tolist() == [2, 4]
    # the same rows as a force extract: dwelling burglary is its own (empty here) group
    f = headline_table(df, g.for_source("force"), period=period, comparison=period.previous()).set_index("crime_group")
    assert (f.loc["Dwelling burglary", "label"], f.loc["Dwelling burglary", "current"]) == ("Dwelling burglary", 0)
    # without a proxy in the crime-groups file: n/a with the reason, never 0
    from csp_data.groups import DEFAULT_GROUPS_FILE

    text = DEFAULT_GROUPS_FILE.read_text(encoding="utf-8").replace('proxy = "Burglary"\n', "").replace(
        'proxy_label = "Burglary (all: police.uk has no dwelling split)"\n', ""
    )
    (tmp_path / "g.toml").write_text(text, encoding="utf-8")
    na = headline_table(df, load_crime_groups(tmp_path / "g.toml").for_source("policeuk"), period=period,
                        comparison=period.previous()).set_index("crime_group").loc["Dwelling burglary"]
    assert pd.isna(na["current"]) and pd.isna(na["previous"])
    assert (na["label"], na["note"]) == ("Dwelling burglary", "n/a: police.uk has no dwelling split")


def test_short_data_headline_names_the_comparison_the_data_allows():
    """Issue 10, point 18: with 13 months every 12-month change is n/a; the headline says what can be
    compared (the latest month against the same month a year earlier)."""
    from csp_data.periods import comparable_period, month_range, rolling_12

    months = month_range(pd.Timestamp("2021-01-01"), pd.Timestamp("2022-01-01"))
    rows = [(m.strftime("%Y-%m-%d"), "Burglary", "A") for m in months] + [("2022-01-01", "Burglary", "A")]
    df, g = _incidents(rows)
    period = rolling_12(pd.Timestamp("2022-01-01"))
    t = headline_table(df, g, period=period, comparison=period.previous(), months_available=months)
    allowed = comparable_period(period, "rolling12", months)
    text = headline_sentence(t, period=period, comparison=period.previous(), months_available=months, allowed=allowed)
    assert "No change can be given: the data holds 1 of the 12 months of the comparison period" in text
    assert text.endswith("The data allows Jan 2022 against Jan 2021.")
    # the allowed comparison, once chosen, is a full comparison: Jan 2022 (2) against Jan 2021 (1)
    cur, cmp = allowed
    t2 = headline_table(df, g, period=cur, comparison=cmp, months_available=months).set_index("crime_group")
    assert t2.loc["Burglary", ["previous", "current", "change"]].tolist() == [1, 2, 1]


def test_a_part_period_is_never_compared_with_a_whole_one():
    """Quarter Jan-Mar 2022 when the data ends in Jan 2022: its comparison (Jan-Mar 2021) is covered,
    the period itself is not; no change is given and the sentence says the period is short."""
    from csp_data.periods import month_range, quarter

    months = month_range(pd.Timestamp("2021-01-01"), pd.Timestamp("2022-01-01"))
    rows = [(m.strftime("%Y-%m-%d"), "Burglary", "A") for m in months for _ in range(10)]
    df, g = _incidents(rows)
    q = quarter(2022, 1)
    t = headline_table(df, g, period=q, comparison=q.year_earlier(), months_available=months)
    row = t.set_index("crime_group").loc["Burglary"]
    assert row["current"] == 10 and pd.isna(row["previous"]) and pd.isna(row["change"])
    text = headline_sentence(t, period=q, comparison=q.year_earlier(), months_available=months, allowed=None)
    assert "the data holds 1 of the 3 months of the period (Jan 2022 to Mar 2022)" in text
    assert "down" not in text


def test_headline_display_zero_to_zero_is_no_change_and_notes_override():
    """Issue 10, point 20: the % change cell of a group with none in either period said "new"."""
    from csp_data.overview import headline_display

    rows = [("2021-01-01", "Burglary", "A")] * 4 + [("2020-06-01", "Burglary", "A")] * 2
    rows += [("2021-02-01", "Drugs", "B")]
    df, g = _incidents(rows)
    period = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))
    t = headline_table(df, g, period=period, comparison=period.previous())
    shown = headline_display(t, period=period, comparison=period.previous()).set_index("Crime group")
    assert shown.loc["Robbery", "% change"] == "no change"  # 0 -> 0
    assert shown.loc["Robbery", ["Jan 20 to Dec 20", "Jan 21 to Dec 21", "Volume change"]].tolist() == ["0", "0", "0"]
    assert shown.loc["Drugs", "% change"] == "new"  # 0 -> 1
    assert shown.loc["Burglary", "% change"] == "+100.0%"
    t.loc[t["crime_group"] == "Robbery", "note"] = "n/a: not in this source"  # a group the source cannot give
    shown = headline_display(t, period=period, comparison=period.previous()).set_index("Crime group")
    assert shown.loc["Robbery", ["Jan 21 to Dec 21", "% change"]].tolist() == ["n/a: not in this source"] * 2


def test_monthly_series_and_summary_leave_missing_months_out():
    from csp_data.overview import monthly_series
    from csp_data.periods import month_range
    from csp_data.text.overview import monthly_summary

    covered = month_range(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01"))
    counts = {"ASB": pd.DataFrame({"month": covered[:2], "count": [4, 2]})}
    s = monthly_series(counts, month_range(pd.Timestamp("2020-12-01"), pd.Timestamp("2021-03-01")), covered=covered)
    assert s["count"].isna().tolist() == [True, False, False, False]
    assert s["count"].dropna().tolist() == [4.0, 2.0, 0.0]
    assert monthly_summary(s) == (
        "ASB: on average 2 a month over the 3 months with data; most in Jan 2021 (4), fewest in Mar 2021 (0)."
    )
