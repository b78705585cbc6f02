"""--partner-safe on the CLI data commands and the report export: no count from 1 to threshold − 1."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from csp_data.cli import main
from tests.disclosure_fixtures import demo_toml

STATEMENT = "partner-safe: counts under 5 suppressed"


def run_cli(argv: list[str]) -> tuple[pd.DataFrame, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(argv) == 0, err.getvalue()
    return pd.read_csv(io.StringIO(out.getvalue()), dtype=str, keep_default_na=False), err.getvalue()


def small(frame: pd.DataFrame, columns: list[str], limit: int = 5) -> list[tuple[str, str]]:
    """(column, cell) of the count columns holding a whole number from 1 to ``limit`` − 1."""
    return [
        (c, v) for c in columns for v in frame[c]
        if re.fullmatch(r"[0-9]+(\.0+)?", v) and 1 <= float(v) < limit
    ]


#: Each command, a small selection of the demo, and its count columns.
CASES = [
    (["counts", "--by", "area", "--group", "Burglary", "--from", "2026-10", "--to", "2026-10"], ["count"]),
    (["counts", "--by", "area,month", "--group", "Robbery"], ["count"]),
    (["hotspots", "--method", "count", "--from", "2026-10", "--to", "2026-10"], ["count"]),
    (["hotspots", "--method", "gistar", "--from", "2026-10", "--to", "2026-10"], ["count"]),
]


@pytest.mark.parametrize(("argv", "counts"), CASES, ids=lambda a: " ".join(a) if isinstance(a, list) else "")
def test_no_small_count_with_partner_safe(argv: list[str], counts: list[str]) -> None:
    plain, _ = run_cli([*argv, "--format", "csv"])
    assert small(plain, counts), "the selection must have small counts for the test to mean anything"
    safe, err = run_cli([*argv, "--format", "csv", "--partner-safe"])
    assert small(safe, counts) == []
    assert "<5" in set(safe[counts].to_numpy().ravel())
    assert STATEMENT in err


def test_yoy_derived_cells_follow_their_counts(tmp_path: Path) -> None:
    """One month by crime group with the config's threshold at 20 (the demo's smallest groups have 7-19):
    a row whose previous or current count is under 20 loses its change, % change and significance."""
    argv = ["yoy", "--config", str(demo_toml(tmp_path, 20)), "--from", "2026-10", "--to", "2026-10", "--format", "csv"]
    plain, _ = run_cli(argv)
    safe, err = run_cli([*argv, "--partner-safe"])
    assert "partner-safe: counts under 20 suppressed" in err
    hits = 0
    for i, row in plain.iterrows():
        hit = any(1 <= float(row[c]) < 20 for c in ("previous", "current") if row[c])
        hits += hit
        for col in ("previous", "current"):
            assert (safe.loc[i, col] == "<20") == (bool(row[col]) and 1 <= float(row[col]) < 20)
        for col in ("change", "pct_change", "pct_label", "significant", "p_value"):
            assert (safe.loc[i, col] == "<20") == hit, (row["crime_group"], col)
    assert hits


@pytest.mark.parametrize("command", [["trend"], ["risk"]])
def test_partnership_commands_with_config_threshold(command: list[str], tmp_path: Path) -> None:
    """trend and risk (partnership totals, all 5 or more in the demo) with the config's threshold at 2,000."""
    config = demo_toml(tmp_path, 2000)
    counts = ["count"] if command == ["trend"] else ["previous", "current"]
    plain, _ = run_cli([*command, "--config", str(config), "--format", "csv"])
    assert small(plain, counts, 2000)
    safe, err = run_cli([*command, "--config", str(config), "--format", "csv", "--partner-safe"])
    assert small(safe, counts, 2000) == []
    assert "partner-safe: counts under 2000 suppressed" in err


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".md"])
def test_report_export(ext: str, tmp_path: Path) -> None:
    config = demo_toml(tmp_path, 2000)
    out = tmp_path / f"r{ext}"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["report", "--config", str(config), "--partner-safe", "--out", str(out)]) == 0, err.getvalue()
    if ext == ".csv":
        frame = pd.read_csv(out, dtype=str, keep_default_na=False)
        assert small(frame, ["previous", "current"], 2000) == []
    elif ext == ".xlsx":
        raw = pd.read_excel(out, sheet_name=None, header=None, dtype=str)
        first = next(iter(raw.values()))
        assert "partner-safe: counts under 2000 suppressed" in str(first.iloc[0, 0])
        frame = pd.read_excel(out, sheet_name=0, header=1, dtype=str).fillna("")
        assert small(frame, ["previous", "current"], 2000) == []
    else:
        text = out.read_text(encoding="utf-8")
        assert "partner-safe: counts under 2000 suppressed" in text
        assert "<2000" in text


def test_hotspots_notes_on_stderr(tmp_path: Path) -> None:
    """The stderr note with the period's total (9 robberies in Oct 2026 in the demo) under threshold 20."""
    argv = ["hotspots", "--method", "count", "--group", "Robbery", "--from", "2026-10", "--to", "2026-10",
            "--config", str(demo_toml(tmp_path, 20)), "--format", "csv"]
    _, plain = run_cli(argv)
    assert "Oct 2026: 9 incidents (Robbery)" in plain
    _, safe = run_cli([*argv, "--partner-safe"])
    assert "Oct 2026: <20 incidents (Robbery)" in safe and " 9 incidents" not in safe
