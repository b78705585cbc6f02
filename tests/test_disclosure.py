"""Partner-safe suppression rules (csp_data.disclosure): hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from csp_data.disclosure import (
    count_columns,
    drop_small_rows,
    is_small,
    statement,
    suppress_count,
    suppress_table,
    suppress_text,
    threshold_from,
)


class TestCounts:
    def test_edges_at_threshold_5(self) -> None:
        assert [suppress_count(v) for v in (0, 1, 2, 3, 4, 5, 6)] == [0, "<5", "<5", "<5", "<5", 5, 6]

    def test_custom_threshold_3(self) -> None:
        assert [suppress_count(v, 3) for v in (0, 1, 2, 3, 4)] == [0, "<3", "<3", 3, 4]

    def test_text_counts_and_missing(self) -> None:
        assert [is_small(v) for v in ("4", "1,004", "0", "n/a", None, math.nan, "<5")] == [
            True, False, False, False, False, False, False,
        ]

    def test_threshold_1_suppresses_nothing(self) -> None:
        assert [suppress_count(v, 1) for v in (0, 1, 4)] == [0, 1, 4]


class TestTable:
    def frame(self) -> pd.DataFrame:
        # A: 4 -> 2 (both small); B: 0 -> 0; C: 10 -> 5 (edge, not small); D: 7 -> 3 (current small)
        return pd.DataFrame({
            "area": ["A", "B", "C", "D"],
            "previous": [4, 0, 10, 7],
            "current": [2, 0, 5, 3],
            "change": [-2, 0, -5, -4],
            "pct_change": [-50.0, math.nan, -50.0, -57.1],
            "rate": [0.2, 0.0, 0.5, 0.3],
            "significant": ["no", "no", "no", "no"],
        })

    def test_counts_and_derived(self) -> None:
        out = suppress_table(self.frame())
        assert out["previous"].tolist() == ["<5", 0, 10, 7]
        assert out["current"].tolist() == ["<5", 0, 5, "<5"]
        assert out["change"].tolist() == ["<5", 0, -5, "<5"]
        assert out["pct_change"].tolist()[0] == "<5" and out["pct_change"].tolist()[3] == "<5"
        assert out["pct_change"].tolist()[2] == -50.0
        assert out["rate"].tolist() == ["<5", 0.0, 0.5, "<5"]
        assert out["significant"].tolist() == ["<5", "no", "no", "<5"]
        assert out["area"].tolist() == ["A", "B", "C", "D"]

    def test_input_unchanged(self) -> None:
        df = self.frame()
        suppress_table(df)
        assert df["current"].tolist() == [2, 0, 5, 3]

    def test_explicit_derived_only_from_its_count(self) -> None:
        df = pd.DataFrame({"a": [3, 8], "b": [9, 9], "a_rate": [0.3, 0.8], "b_rate": [0.9, 0.9]})
        out = suppress_table(df, counts=["a", "b"], derived={"a_rate": ["a"], "b_rate": ["b"]})
        assert out["a"].tolist() == ["<5", 8]
        assert out["a_rate"].tolist() == ["<5", 0.8]
        assert out["b_rate"].tolist() == [0.9, 0.9]

    def test_chart_data_gaps(self) -> None:
        df = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]), "count": [4, 9]})
        out = suppress_table(df, label=None)
        assert math.isnan(out["count"].iloc[0]) and out["count"].iloc[1] == 9

    def test_inferred_columns_skip_years_ranks_scores(self) -> None:
        df = pd.DataFrame({
            "year": [2023, 2024], "rank": [1, 2], "likelihood": [3, 4], "x": [1.0, 2.0],
            "count": [3, 6], "Feb 2024": [2, 10], "area": ["a", "b"],
        })
        assert count_columns(df) == ["count", "Feb 2024"]
        out = suppress_table(df)
        assert out["year"].tolist() == [2023, 2024] and out["likelihood"].tolist() == [3, 4]

    def test_formatted_text_cells(self) -> None:
        df = pd.DataFrame({"Crime group": ["X", "Y"], "Current": ["3", "1,234"], "% change": ["+50.0%", "+1.0%"]})
        out = suppress_table(df)
        assert out["Current"].tolist() == ["<5", "1,234"]
        assert out["% change"].tolist() == ["<5", "+1.0%"]

    def test_unknown_count_column(self) -> None:
        with pytest.raises(ValueError, match=r"counts: columns \['nope'\]"):
            suppress_table(pd.DataFrame({"a": [1]}), counts=["nope"])


class TestText:
    def test_small_counts_in_sentence(self) -> None:
        assert suppress_text("3 burglaries, down from 12 (4 fewer)") == "<5 burglaries, down from 12 (<5 fewer)"

    def test_leaves_ordinals_decimals_percent_codes_signed(self) -> None:
        text = "Ranked 1st/15, rate 2.50, +3 (−4), 4.0%, Q1 2024, E01000001, 1,234"
        assert suppress_text(text) == text

    def test_custom_threshold(self) -> None:
        assert suppress_text("2 and 3 and 0", 3) == "<3 and 3 and 0"

    def test_changes_in_a_sentence_with_a_small_count(self) -> None:
        # 9 now, 4 before: "up 5" and "+125.0%" would give the 4 away; the next sentence keeps its changes
        text = "Ward A: 9 burglaries, up 5 (+125.0%) from 4. Ward B: 30, down 12 (−28.6%) from 42."
        assert suppress_text(text) == "Ward A: 9 burglaries, up suppressed (suppressed) from <5. Ward B: 30, down 12 (−28.6%) from 42."

    def test_rows_named_by_a_sentence(self) -> None:
        df = pd.DataFrame({"g": ["all", "drugs", "theft"], "previous": [40, 4, 10], "current": [45, 9, 2]})
        assert drop_small_rows(df, counts=["previous", "current"])["g"].tolist() == ["all"]
        kept = drop_small_rows(df, counts=["previous", "current"], always=df["g"].eq("theft"))
        assert kept["g"].tolist() == ["all", "theft"]


class TestConfig:
    def test_default_and_configured(self) -> None:
        assert threshold_from({}) == 5
        assert threshold_from({"disclosure": {"threshold": 3}}) == 3

    @pytest.mark.parametrize("bad", [0, -1, 2.5, "5", True])
    def test_bad_threshold(self, bad: object) -> None:
        with pytest.raises(ValueError, match=r"\[disclosure\] threshold: expected a whole number of at least 1"):
            threshold_from({"disclosure": {"threshold": bad}})

    def test_statement(self) -> None:
        assert statement(5) == "partner-safe: counts under 5 suppressed"

    def test_config_file(self, tmp_path) -> None:
        from csp_data.io.dataset import load_config

        (tmp_path / "a.csv").write_text("x\n")
        good = tmp_path / "csp.toml"
        good.write_text('name = "T"\n[incidents]\npaths = ["a.csv"]\n[disclosure]\nthreshold = 3\n')
        assert load_config(good).disclosure_threshold == 3
        bad = tmp_path / "bad.toml"
        bad.write_text('name = "T"\n[incidents]\npaths = ["a.csv"]\n[disclosure]\nthreshold = 0\n')
        with pytest.raises(ValueError, match=r"bad\.toml.*threshold"):
            load_config(bad)


class TestExports:
    """The downloads of a table in partner-safe mode (ui.common.download_buttons does this)."""

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"area": ["A", "B"], "count": [3, 12], "rate": [0.3, 1.2]})

    def test_csv(self) -> None:
        import io

        from csp_data.exports import to_csv

        data = to_csv(suppress_table(self.frame()), note=statement()).decode("utf-8")
        assert data.splitlines()[0] == "partner-safe: counts under 5 suppressed"
        back = pd.read_csv(io.StringIO(data), skiprows=1, dtype=str)
        assert back["count"].tolist() == ["<5", "12"] and back["rate"].tolist() == ["<5", "1.2"]

    def test_excel(self) -> None:
        import io

        from csp_data.exports import to_excel

        data = to_excel({"t": suppress_table(self.frame())}, title=statement())
        raw = pd.read_excel(io.BytesIO(data), header=None, dtype=str)
        assert raw.iloc[0, 0] == "partner-safe: counts under 5 suppressed"
        assert raw.iloc[2:, 1].tolist() == ["<5", "12"]


def test_count_columns_take_na_cells_as_missing() -> None:
    # a partner indicator table: a period the table lacks is "n/a: reason"; the column is still counts
    from csp_data.disclosure import count_columns

    frame = pd.DataFrame({"Nov 24 to Oct 25": ["165", "n/a: the table has 9 of the 12 months"], "Unit": ["count", "count"]})
    assert count_columns(frame) == ["Nov 24 to Oct 25"]
