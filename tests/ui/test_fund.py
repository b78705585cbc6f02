"""ui.fund: the editor's cells turned back into the validator's text (no Streamlit run needed)."""

from __future__ import annotations

from pathlib import Path

from csp_data.fund import ledger_table, load_ledger, validate_ledger
from csp_data.io.fund_ledger import ledger_path, read_ledger, save_ledger
from ui.fund import edited_raw, editor_frame

SEED = Path(__file__).resolve().parents[1] / "fund_data" / "seed_000_ledger.csv"


def test_editor_round_trip_keeps_the_ledger() -> None:
    ledger, _ = load_ledger(SEED)
    again, report = validate_ledger(edited_raw(editor_frame(ledger)), "edited")
    assert report.rejected == 0
    assert ledger_table(again, 3456900).equals(ledger_table(ledger, 3456900))


def test_a_declined_row_stops_spending(tmp_path: Path) -> None:
    ledger, _ = load_ledger(SEED)
    frame = editor_frame(ledger)
    frame.loc[10, "status"] = "declined"  # the last bid, £500
    edited, report = validate_ledger(edited_raw(frame), "edited")
    assert report.rejected == 0
    assert ledger_table(edited, 3456900)["balance"].iloc[-1] == "16482.20"
    path = save_ledger(tmp_path, "demo", edited)
    assert path == ledger_path(tmp_path, "demo") and not list(path.parent.glob("*.tmp*"))
    saved, _ = read_ledger(tmp_path, "demo")
    assert saved["status"].iloc[-1] == "declined"


def test_no_saved_ledger_is_empty(tmp_path: Path) -> None:
    ledger, report = read_ledger(tmp_path, "demo")
    assert report is None and ledger.empty
    save_ledger(tmp_path, "demo", ledger)
    again, report = read_ledger(tmp_path, "demo")
    assert again.empty and report is not None and report.rejected == 0
