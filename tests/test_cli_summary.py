"""Issue 10, points 3, 16 and 19 on the command line: every data command says what it could not read
(one summary line, exit 1 for an unusable file unless --skip-bad-files), every command defaults to all
incidents with --group to choose, and files are shown relative to the config's folder."""

from __future__ import annotations

import argparse
import io
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from csp_data.cli import build_parser, main
from csp_data.cli.common import load_summary
from csp_data.io.dataset import display_path, load_config
from csp_data.model import FileReport, LoadIssue, LoadReport

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
DATA_COMMANDS = ("counts", "hotspots", "trend", "yoy", "risk", "report")


def row(cid: str, month: str, ctype: str = "Burglary", lsoa: str = "Dacorum 001A") -> str:
    return f"{cid},{month},F,F,-0.470,51.750,On or near X,E01000001,{lsoa},{ctype},,"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def five_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The issue's case in small: 5 files, 2 of them unusable, 1 row rejected; paths shown from tmp_path."""
    root = tmp_path / "archive"
    for m in ("01", "02", "03", "04", "05"):
        (root / f"2021-{m}").mkdir(parents=True)
    files = {
        "01": [row("a", "2021-01"), row("b", "2021-01"), row("", "2021-01", "Anti-social behaviour"),
               row("c", "2021-13")],  # unparseable month: rejected
        "02": [row("d", "2021-02"), row("e", "2021-02", "Robbery")],
        "03": [row("f", "2021-03", lsoa="St Albans 001A")],
    }
    for m, rows in files.items():
        (root / f"2021-{m}" / f"2021-{m}-x-street.csv").write_text("\n".join([HEADER, *rows]) + "\n")
    (root / "2021-04" / "2021-04-x-street.csv").write_text("foo,bar\n1,2\n")  # not a street file
    (root / "2021-05" / "2021-05-x-street.csv").write_bytes(b"\x00\xff\xfe garbage")
    monkeypatch.chdir(tmp_path)
    return root


SUMMARY = (
    "load summary: 5 files read, 2 unusable (archive/2021-04/2021-04-x-street.csv; "
    "archive/2021-05/2021-05-x-street.csv); incident rows: 6 accepted, 1 rejected"
)


def test_summary_line_from_a_load_report() -> None:
    """One function builds the line: files read and skipped, unusable named, rows per kind, repairs."""
    bad = FileReport("/srv/cfg/data/b.csv", "not a police.uk street file")
    bad.issues.append(LoadIssue(bad.path, "missing columns Month"))
    report = LoadReport(files=[
        FileReport("/srv/cfg/data/a.csv", "police.uk street", 1_193, 7, Counter({"unparseable month": 7})),
        bad,
        FileReport("/srv/cfg/data/c.csv", "police.uk outcomes (skipped)"),
        FileReport("/srv/cfg/wards.json", "boundaries", 24, 1, notes=Counter({"invalid geometry repaired": 2})),
        FileReport("/srv/cfg/pop.csv", "area values", 24, 3),
        FileReport("/srv/cfg/csp.toml", "dataset"),  # the "no incidents" marker is not a file read
    ])
    assert load_summary(report, base=Path("/srv/cfg")) == (
        "load summary: 5 files read (1 skipped), 1 unusable (data/b.csv); incident rows: 1,193 accepted, "
        "7 rejected; boundaries: 24 accepted, 1 rejected, 2 repaired; area values: 24 accepted, 3 rejected"
    )
    assert load_summary(LoadReport()) == "load summary: 0 files read, 0 unusable"


def test_counts_stops_on_an_unusable_file(five_files: Path) -> None:
    code, out, err = run("counts", "--data", "archive", "--by", "crime_type", "--format", "csv")
    assert code == 1
    assert out == ""  # no partial table a script could take for the whole
    lines = err.splitlines()
    assert SUMMARY in lines
    assert ("error: archive/2021-04/2021-04-x-street.csv: not a police.uk street file: missing columns Month, "
            "Crime type, Longitude, Latitude (or Easting, Northing); found 'foo', 'bar'") in lines
    assert "warning: archive/2021-01/2021-01-x-street.csv: 1 row rejected (unparseable month: 1)" in lines
    assert lines[-1] == (
        "error: 2 of 5 files cannot be used (listed above); fix or remove them, or pass --skip-bad-files to use "
        "the rest"
    )


def test_skip_bad_files_counts_the_rest(five_files: Path) -> None:
    code, out, err = run("counts", "--data", "archive", "--by", "crime_type", "--format", "csv", "--skip-bad-files")
    assert code == 0
    assert out.splitlines() == ["crime_type,count", "Anti-social behaviour,1", "Burglary,4", "Robbery,1"]
    assert SUMMARY in err.splitlines()
    assert "skipped: archive/2021-05/2021-05-x-street.csv: not a police.uk street file" in err


@pytest.mark.parametrize("command", DATA_COMMANDS)
def test_every_data_command_reports_what_it_could_not_read(five_files: Path, command: str) -> None:
    extra = {"counts": ["--by", "group"], "hotspots": ["--method", "count"], "report": ["--out", str(five_files / "r.md")]}.get(command, [])
    code, out, err = run(command, "--data", "archive", "--partnership", "Dacorum", *extra)
    assert code == 1, err
    assert out == ""
    assert SUMMARY in err.splitlines()
    assert "pass --skip-bad-files" in err


@pytest.mark.parametrize("command", DATA_COMMANDS)
def test_every_data_command_prints_the_summary_on_good_data(command: str, tmp_path: Path) -> None:
    extra = {"counts": ["--by", "group"], "hotspots": ["--method", "count"], "report": ["--out", str(tmp_path / "r.md")]}.get(command, [])
    code, _, err = run(command, *extra, "--from", "2025-01", "--to", "2025-12")
    assert code == 0, err
    summary = [line for line in err.splitlines() if line.startswith("load summary:")]
    assert summary == [
        "load summary: 7 files read, 0 unusable; incident rows: 73,053 accepted, 0 rejected; boundaries: 25 accepted, "
        "0 rejected; area values: 50 accepted, 0 rejected; comparator table: 23,506 accepted, 0 rejected; "
        "indicator table: 3,490 accepted, 0 rejected"
    ]


def test_validate_exits_1_for_a_file_with_no_accepted_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "2021-01-x-street.csv").write_text(f"{HEADER}\n{row('a', '2021-01')}\n")
    (tmp_path / "2021-02-x-street.csv").write_text(f"{HEADER}\n{row('b', 'Feb')}\n{row('c', '')}\n")
    (tmp_path / "2021-02-x-outcomes.csv").write_text("Crime ID,Month\n")  # skipped on purpose: not an error
    code, out, err = run("validate", ".", "--format", "csv")
    assert code == 1
    table = pd.read_csv(io.StringIO(out))
    assert table[["file", "accepted", "rejected"]].values.tolist() == [
        ["2021-01-x-street.csv", 1, 0], ["2021-02-x-outcomes.csv", 0, 0], ["2021-02-x-street.csv", 0, 2],
    ]
    assert "error: 2021-02-x-street.csv: no rows accepted (2 rejected)" in err.splitlines()
    assert "load summary: 3 files read (1 skipped), 0 unusable; incident rows: 1 accepted, 2 rejected" in err
    (tmp_path / "2021-02-x-street.csv").unlink()
    assert run("validate", ".")[0] == 0  # nothing else changed: a good file and a skipped one pass


# ---------------------------------------------------------------------------------------------------
# point 16: one default everywhere, --group on every data command


@pytest.mark.parametrize("command", DATA_COMMANDS)
def test_every_data_command_has_group_and_states_the_default(command: str) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    help_text = " ".join(sub.choices[command].format_help().split())
    assert "--group NAME" in help_text
    assert "(default: 'All crime and ASB', every incident: crime and ASB)" in help_text
    assert "incl. ASB" not in help_text  # the old, contradicting --crime-type help


def test_counts_group_and_unknown_group(five_files: Path) -> None:
    args = ("counts", "--data", "archive", "--skip-bad-files", "--partnership", "Dacorum", "--format", "csv")
    assert run(*args, "--by", "group")[1].splitlines() == [
        "group,count", "ASB,1", "Burglary,3", "Robbery,1",
    ]
    assert run(*args, "--by", "group", "--group", "burglary")[1].splitlines() == ["group,count", "Burglary,3"]
    assert run(*args, "--by", "group", "--group", "All crime (excluding ASB)")[1].splitlines() == [
        "group,count", "Burglary,3", "Robbery,1",
    ]
    code, out, err = run(*args, "--by", "group", "--group", "Burglery")
    assert code == 1 and out == ""
    assert err.splitlines()[-1].startswith(
        "error: --group 'Burglery' is not a crime group; expected one of: All crime (excluding ASB), All crime and ASB, "
    )
    assert "Serious acquisitive crime" in err.splitlines()[-1]


def test_hotspots_counts_every_incident_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """hotspots used to leave ASB out while its help said the opposite."""
    from csp_data.cli import hotspots as cli_hotspots
    from tests.test_cli_hotspots import tiny_dataset

    def with_asb(args: argparse.Namespace):  # 10 burglaries + 1 robbery, plus 4 ASB in the first cell
        d = tiny_dataset()
        asb = d.incidents.iloc[[10] * 4].assign(crime_type="Anti-social behaviour", crime_group="ASB")
        d.incidents = pd.concat([d.incidents, asb], ignore_index=True)
        return d

    monkeypatch.setattr(cli_hotspots, "dataset_from_args", with_asb)
    base = ("hotspots", "--method", "count", "--cell-size", "100", "--from", "2021-01", "--to", "2021-02",
            "--format", "csv")
    code, out, err = run(*base)
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["count"].tolist() == [5, 0, 10, 0, 0]
    assert "15 incidents (All crime and ASB)" in err
    code, out, _ = run(*base, "--group", "All crime (excluding ASB)")
    assert pd.read_csv(io.StringIO(out))["count"].tolist() == [1, 0, 10, 0, 0]


def test_risk_group_keeps_that_groups_priorities(monkeypatch: pytest.MonkeyPatch) -> None:
    from csp_data.cli import risk as cli_risk
    from tests import risk_fixtures as rf

    monkeypatch.setattr(cli_risk, "dataset_from_args", lambda args: rf.dataset())
    base = ("risk", "--from", "2021-01", "--to", "2021-12", "--format", "csv")
    code, out, _ = run(*base, "--group", "Vehicle crime")
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["priority"].tolist() == ["Vehicle crime"]
    code, _, err = run(*base, "--crime-type", "Robbery")
    assert code == 1 and "use --group NAME" in err


# ---------------------------------------------------------------------------------------------------
# point 19: paths relative to the config's folder


def test_display_path() -> None:
    base = Path("/srv/csp/config")
    assert display_path("/srv/csp/config/data/a.csv", base) == "data/a.csv"
    assert display_path(Path("/srv/shared/real/p"), base) == "../../shared/real/p"
    assert display_path("/srv/csp/config/x.ZIP:2021-01/2021-01-x-street.csv", base) == "x.ZIP:2021-01/2021-01-x-street.csv"
    assert display_path("relative/a.csv", base) == "relative/a.csv"
    assert display_path("Demo Borough (synthetic)", base) == "Demo Borough (synthetic)"
    assert display_path("/srv/csp/config/a.csv", None) == "/srv/csp/config/a.csv"


def test_config_base_dir(tmp_path: Path) -> None:
    cfg = tmp_path / "csp.toml"
    cfg.write_text('[incidents]\npaths = ["d"]\n')
    assert load_config(cfg).base_dir == tmp_path


def test_trend_default_group_needs_asb_in_the_comparators(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ONS tables have no ASB: the default (all incidents) is refused with what to choose, not a 0."""
    from dataclasses import replace

    from csp_data.cli import trend as cli_trend
    from tests.test_cli_hotspots import tiny_dataset

    comparators = pd.DataFrame({
        "partnership": ["P", "Q"], "month": pd.to_datetime(["2021-01-01"] * 2),
        "crime_group": ["Burglary", "Burglary"], "count": [3.0, 4.0], "population": [1000.0, 2000.0],
    })
    monkeypatch.setattr(cli_trend, "dataset_from_args", lambda args: replace(tiny_dataset(), comparators=comparators))
    code, out, err = run("trend", "--partnership", "P")
    assert code == 1 and out == ""
    assert err.splitlines()[-1].startswith(
        "error: --group 'All crime and ASB': the comparator table has no ASB, Bicycle theft, Criminal damage and arson"
    )
    assert err.splitlines()[-1].endswith("choose a group the table covers, e.g. --group 'All crime (excluding ASB)'")


def test_the_no_incidents_marker_is_not_counted_as_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    """A load whose only file is unusable said "1 files read" and then "1 of 2 files cannot be used"."""
    from csp_data.cli.common import report_load

    bad = FileReport("/d/bomb.zip:a-street.csv", "police.uk street")
    bad.issues.append(LoadIssue(bad.path, "decompresses to 200.0 MiB from 0.2 MiB"))
    report = LoadReport(files=[bad, FileReport("csp.toml", "dataset")])
    with pytest.raises(ValueError, match=r"^1 of 1 files cannot be used"):
        report_load(report, base=Path("/d"), skip_bad_files=False)
    assert capsys.readouterr().err.splitlines()[:2] == [
        "load summary: 1 files read, 1 unusable (bomb.zip:a-street.csv)",
        "error: bomb.zip:a-street.csv: decompresses to 200.0 MiB from 0.2 MiB",
    ]
