"""Options every data command shares, and how they become a Dataset and a Query."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Final, TextIO

import pandas as pd

from csp_data.disclosure import statement, suppress_table
from csp_data.format import safe_text_frame
from csp_data.groups import ALL_INCIDENTS
from csp_data.io.comparator_tables import load_comparator_table
from csp_data.io.dataset import (
    DatasetConfig,
    build_dataset,
    config_from_flags,
    demo_config,
    display_path,
    load_config,
)
from csp_data.io.library import Library, resolve_data_dir
from csp_data.model import Dataset, FileReport, LoadReport
from csp_data.periods import Period, add_months, comparison_for, rolling_12, to_month
from csp_data.query import Query

#: Kinds of FileReport whose rows are incidents (the summary counts them as "incident rows").
INCIDENT_KINDS: Final = ("police.uk street", "force extract")
#: Most per-file lines (unusable files, files with rejected rows) a command prints before "... and N more".
MAX_FILE_LINES: Final = 10


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """--config, --data, --data-dir, --dataset, --boundaries, --area-field, --name-field, --boundaries-crs, --population,
    --households, --partnership, --from, --to, --crime-type, --group, --format, --partner-safe."""
    g = parser.add_argument_group("data (without --data or --config: the shipped demo borough)")
    g.add_argument("--config", metavar="FILE", help="a csp.toml dataset config (instead of the flags below)")
    g.add_argument(
        "--data", metavar="PATH", nargs="+", action="extend",
        help="police.uk street CSVs, archive folders or .zip archives",
    )
    g.add_argument("--data-dir", metavar="DIR", help="the dataset library folder (default: $CSP_DATA_DIR, else .csp_data/)")
    g.add_argument("--dataset", metavar="NAME", help="a dataset of the library (instead of --data/--config; see `datasets`)")
    g.add_argument("--boundaries", metavar="PATH", help="area boundaries (shapefile, zip, GeoJSON, GeoPackage)")
    g.add_argument("--area-field", metavar="NAME", help="boundary field holding the area code")
    g.add_argument("--name-field", metavar="NAME", help="boundary field holding the area name")
    g.add_argument("--boundaries-crs", metavar="CRS", help="CRS of a boundary layer that has none")
    g.add_argument("--population", metavar="FILE", help="population per area (or per partnership for trend)")
    g.add_argument("--households", metavar="FILE", help="households per area")
    g.add_argument("--partnership", metavar="NAME", help="partnership (local-authority part of LSOA name)")
    f = parser.add_argument_group("filters")
    f.add_argument("--from", dest="date_from", metavar="YYYY-MM", help="first month (inclusive)")
    f.add_argument("--to", dest="date_to", metavar="YYYY-MM", help="last month (inclusive)")
    f.add_argument(
        "--group", metavar="NAME",
        help=f"a crime group of the crime-groups config, e.g. Burglary or 'All crime (excluding ASB)' "
        f"(default: '{ALL_INCIDENTS}', every incident: crime and ASB)",
    )
    f.add_argument(
        "--crime-type", metavar="TYPE", action="append", default=[],
        help="only these crime types within the group (repeatable; a single group name works like --group); "
        "default: every type",
    )
    g.add_argument(
        "--skip-bad-files", action="store_true",
        help="use the files that can be read when some cannot (default: stop with exit code 1)",
    )
    parser.add_argument("--format", choices=["csv", "json", "table"], default="table", help="output format")
    parser.add_argument(
        "--partner-safe", action="store_true",
        help="partner-safe mode: counts from 1 to [disclosure] threshold - 1 (default 5) print as '<5', and "
        "rates, %% and changes computed from them are suppressed too (docs/partner-safe.md)",
    )


def partner_safe_threshold(args: argparse.Namespace) -> int | None:
    """The disclosure threshold when ``--partner-safe`` is given (the config's ``[disclosure]
    threshold``, default 5), else None."""
    if not getattr(args, "partner_safe", False):
        return None
    return config_from_args(args).disclosure_threshold


def is_skipped(file: FileReport) -> bool:
    """A file recognised and deliberately not loaded (police.uk outcomes, stop-and-search)."""
    return file.kind.endswith("(skipped)")


def _repaired(file: FileReport) -> int:
    return sum(n for note, n in file.notes.items() if "repaired" in note)


def files_read(report: LoadReport) -> list[FileReport]:
    """The files a load read (the dataset's own "no incidents" marker is not a file)."""
    return [f for f in report.files if f.kind != "dataset"]


def load_summary(report: LoadReport, *, base: Path | None = None) -> str:
    """The one-line load summary every data command prints to stderr.

    Files read (and skipped), files unusable (named, relative to ``base``), then accepted and rejected
    rows per kind of file: incident rows first, then boundaries, area values, comparator tables...,
    with the repairs a loader made (e.g. invalid geometries) when there are any.

    Examples
    --------
    >>> from collections import Counter
    >>> r = LoadReport(files=[
    ...     FileReport("/d/a.csv", "police.uk street", 10, 2),
    ...     FileReport("/d/b.csv", "police.uk outcomes (skipped)"),
    ...     FileReport("/d/w.json", "boundaries", 24, 1, notes=Counter({"invalid geometry repaired": 1})),
    ... ])
    >>> load_summary(r, base=Path("/d"))
    'load summary: 3 files read (1 skipped), 0 unusable; incident rows: 10 accepted, 2 rejected; boundaries: 24 accepted, 1 rejected, 1 repaired'
    """
    files = files_read(report)
    skipped = sum(is_skipped(f) for f in files)
    bad = [f for f in files if not f.usable]
    head = f"load summary: {len(files):,} files read" + (f" ({skipped:,} skipped)" if skipped else "")
    head += f", {len(bad):,} unusable"
    if bad:
        names = [display_path(f.path, base) for f in bad[:3]]
        head += f" ({'; '.join(names)}{f'; and {len(bad) - 3:,} more' if len(bad) > 3 else ''})"
    kinds: dict[str, list[FileReport]] = {}
    for f in files:
        if f.usable and not is_skipped(f):
            kinds.setdefault("incident rows" if f.kind in INCIDENT_KINDS else f.kind, []).append(f)
    parts = [head]
    for label in sorted(kinds, key=lambda k: (k != "incident rows", list(kinds).index(k))):
        group = kinds[label]
        text = f"{label}: {sum(f.accepted for f in group):,} accepted, {sum(f.rejected for f in group):,} rejected"
        repaired = sum(_repaired(f) for f in group)
        parts.append(text + (f", {repaired:,} repaired" if repaired else ""))
    return "; ".join(parts)


def write_file_report(report: LoadReport, fmt: str, *, base: Path | None) -> None:
    """The validation report every loader gives: one row per file (accepted, rejected, reasons) on
    stdout, every problem with its file, row and column and every note on stderr, then the summary."""
    table = report.to_frame()
    table["file"] = [display_path(p, base) for p in table["file"]]
    write_table(table, fmt)
    for f in report.files:
        for issue in f.issues:
            print(f"{issue.severity}: {display_path(issue.file, base)}{str(issue).removeprefix(issue.file)}",
                  file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(load_summary(report, base=base), file=sys.stderr)


def report_load(report: LoadReport, *, base: Path | None, skip_bad_files: bool) -> None:
    """Print what a load could not read to stderr: the summary line, every unusable file with its error,
    the rejected rows of each file by reason; then stop unless ``skip_bad_files``.

    Raises
    ------
    ValueError
        When a file cannot be used at all and ``skip_bad_files`` is False (the CLI exits 1).
    """
    print(load_summary(report, base=base), file=sys.stderr)
    files = files_read(report)
    bad = [f for f in files if not f.usable]
    label = "skipped" if skip_bad_files else "error"
    lines = [
        f"{label}: {display_path(i.file, base)}: {i.message}" for f in bad for i in f.issues
        if i.severity == "error" and i.row is None
    ]
    for f in report.files:
        if f.rejected:
            reasons = "; ".join(f"{k}: {v:,}" for k, v in f.reasons.most_common())
            rows = "row" if f.rejected == 1 else "rows"
            lines.append(f"warning: {display_path(f.path, base)}: {f.rejected:,} {rows} rejected ({reasons})")
    for line in lines[:MAX_FILE_LINES]:
        print(line, file=sys.stderr)
    if len(lines) > MAX_FILE_LINES:
        print(f"... and {len(lines) - MAX_FILE_LINES:,} more; `python -m csp_data validate` lists every file and row",
              file=sys.stderr)
    if bad and not skip_bad_files:
        raise ValueError(
            f"{len(bad):,} of {len(files):,} files cannot be used (listed above); fix or remove them, "
            "or pass --skip-bad-files to use the rest"
        )


def config_from_args(args: argparse.Namespace) -> DatasetConfig:
    """The dataset config the flags describe: --dataset (of the --data-dir library), else --config file,
    else flags, else the demo.

    Raises
    ------
    ValueError
        When --dataset is combined with --data or --config, or --data-dir is given without --dataset.
    """
    if getattr(args, "dataset", None):
        if getattr(args, "config", None) or getattr(args, "data", None):
            raise ValueError("--dataset takes the place of --data/--config: give one of them")
        library = Library(resolve_data_dir(args.data_dir))
        return library.config(args.dataset, partnership=args.partnership)
    if getattr(args, "data_dir", None):
        raise ValueError("--data-dir needs --dataset NAME (list them with `python -m csp_data datasets --data-dir DIR`)")
    if getattr(args, "config", None):
        config = load_config(Path(args.config))
        if args.partnership:
            config = config.with_partnership(args.partnership)
        return config
    if getattr(args, "data", None):
        return config_from_flags(
            data=args.data,
            boundaries=args.boundaries,
            area_field=args.area_field,
            name_field=args.name_field,
            boundaries_crs=args.boundaries_crs,
            population=args.population,
            households=args.households,
            partnership=args.partnership,
        )
    return demo_config()


def dataset_from_args(args: argparse.Namespace) -> Dataset:
    """Load the dataset the flags describe (and a ``--comparators`` table when the command has one).

    Load notes and the load summary (:func:`report_load`) go to stderr; a file that cannot be used
    stops the command (ValueError, exit 1) unless ``--skip-bad-files``.
    """
    config = config_from_args(args)
    dataset = build_dataset(config)
    comparators_file = getattr(args, "comparators", None)
    if comparators_file:

        comparators, rep = load_comparator_table(comparators_file)
        report = LoadReport(files=[*dataset.report.files, *rep.files], notes=[*dataset.report.notes, *rep.notes])
        dataset = replace(dataset, comparators=comparators, report=report)
    for note in dataset.report.notes:
        print(f"note: {note}", file=sys.stderr)
    report_load(dataset.report, base=config.base_dir, skip_bad_files=bool(getattr(args, "skip_bad_files", False)))
    return dataset


def period_from_args(args: argparse.Namespace, dataset: Dataset) -> Period | None:
    """The --from/--to period; None when neither is given. One bound alone runs to the data's edge."""
    if not args.date_from and not args.date_to:
        return None
    start = to_month(args.date_from) if args.date_from else dataset.first_month
    end = to_month(args.date_to) if args.date_to else dataset.latest_month
    if start is None or end is None:
        raise ValueError("the dataset has no incidents, so --from/--to cannot be resolved")
    return Period(start, end)


def query_from_args(args: argparse.Namespace, dataset: Dataset) -> Query:
    """The query for commands that need a period and its comparison: --from/--to, else the latest 12 months."""
    period = period_from_args(args, dataset)
    if period is None:
        latest = dataset.latest_month
        if latest is None:
            raise ValueError("the dataset has no incidents")
        period = rolling_12(latest)
    preset = "rolling12" if period.n_months == 12 else "custom"
    group, types = resolve_crime_types(args.crime_type, dataset, group=args.group)
    return Query(
        period=period,
        comparison=comparison_for(period, preset),
        group=group,
        crime_types=types,
        preset=preset,
    )


def resolve_group(name: str | None, dataset: Dataset) -> str:
    """The crime group ``--group`` names (matched case-insensitively); None -> every incident.

    Raises
    ------
    ValueError
        Naming the value and listing the groups of the dataset's crime-groups config.
    """
    if name is None:
        return ALL_INCIDENTS
    names = {n.casefold(): n for n in dataset.groups.names()}
    if name.strip().casefold() not in names:
        raise ValueError(f"--group {name!r} is not a crime group; expected one of: {', '.join(dataset.groups.names())}")
    group = names[name.strip().casefold()]
    avail = dataset.groups.availability(group)  # crime_groups.toml: a labelled proxy, or n/a
    if avail.status == "n/a":
        raise ValueError(f"--group {group!r}: {avail.na}")
    if avail.status == "proxy":
        print(f"note: {group} is counted as {avail.label}", file=sys.stderr)
    return group


def resolve_crime_types(
    values: list[str], dataset: Dataset, *, group: str | None = None
) -> tuple[str, tuple[str, ...]]:
    """--group and --crime-type values -> (group, crime types).

    The group defaults to every incident (crime and ASB). Without --group, a single --crime-type that
    names a group selects that group; otherwise the values are crime types (matched case-insensitively)
    that narrow the group.
    """
    chosen = resolve_group(group, dataset)
    if not values:
        return chosen, ()
    names = {n.casefold(): n for n in dataset.groups.names()}
    if group is None and len(values) == 1 and values[0].casefold() in names:
        return resolve_group(values[0], dataset), ()
    known = {str(t).casefold(): str(t) for t in dataset.incidents["crime_type"].dropna().unique()}
    known.update({t.casefold(): t for t in dataset.groups.type_to_group})
    resolved = []
    for v in values:
        if v.casefold() not in known:
            raise ValueError(
                f"--crime-type {v!r} is neither a crime group nor a crime type in the data; "
                f"groups: {', '.join(dataset.groups.names())}"
            )
        resolved.append(known[v.casefold()])
    return chosen, tuple(resolved)


def write_table(df: pd.DataFrame, fmt: str, out: TextIO | None = None, *, threshold: int | None = None) -> None:
    """Print a table: csv (months as YYYY-MM; formula-like text cells prefixed with ', as in the
    downloads), json (records) or an aligned text table. With ``threshold`` (``--partner-safe``:
    :func:`partner_safe_threshold`) small counts and what is computed from them are suppressed
    (csp_data.disclosure.suppress_table) and the mode is stated on stderr."""
    stream: TextIO = out if out is not None else sys.stdout
    frame = df.copy()
    if threshold is not None:
        frame = suppress_table(frame, threshold)
        print(f"note: {statement(threshold)}", file=sys.stderr)
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.strftime("%Y-%m")
    if fmt == "csv":
        safe_text_frame(frame).to_csv(stream, index=False, lineterminator="\n")
    elif fmt == "json":
        stream.write(frame.to_json(orient="records", force_ascii=False) + "\n")
    else:
        stream.write(frame.to_string(index=False) + "\n")


__all__ = [
    "add_data_options",
    "add_months",
    "config_from_args",
    "dataset_from_args",
    "is_skipped",
    "load_summary",
    "partner_safe_threshold",
    "period_from_args",
    "query_from_args",
    "report_load",
    "resolve_crime_types",
    "resolve_group",
    "write_file_report",
    "write_table",
]
