"""`import --dataset NAME PATH...`: add police.uk files (or force extracts) and layers to a library dataset.

Prints the loaders' validation report (accepted and rejected rows per file, with reasons) and what
changed (new and replaced months, layers, new areas, rows before and after). Exit 1 when nothing
usable was given (nothing changes then). Made for a monthly cron line (docs/library.md).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields
from pathlib import Path

from csp_data.cli.common import write_file_report
from csp_data.io.force import ColumnMapping
from csp_data.io.library import BoundaryInput, ForceInput, Library, TableInput, resolve_data_dir


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "import", help="import police.uk files, boundaries and tables into a library dataset",
        description="Validate the files, then add them to the dataset (created if new). A month already in the "
        "dataset is replaced for its source (force), never added twice. Exit 1 when nothing usable was given.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="police.uk street CSVs, archive folders or .zip archives")
    p.add_argument("--data-dir", metavar="DIR", help="the library folder (default: $CSP_DATA_DIR, else .csp_data/)")
    p.add_argument("--dataset", required=True, metavar="NAME", help="dataset name (lower-case letters, digits, - or _)")
    p.add_argument("--boundaries", metavar="PATH", help="area boundaries (zipped shapefile, .shp, GeoJSON, GeoPackage)")
    p.add_argument("--code-field", metavar="F", help="boundary field holding the area code")
    p.add_argument("--name-field", metavar="F", help="boundary field holding the area name")
    p.add_argument("--boundaries-crs", metavar="CRS", help="CRS of a boundary layer that has none")
    p.add_argument("--area-label", metavar="WORD", default="area", help="what an area is called (ward, beat...)")
    p.add_argument("--population", metavar="FILE", help="population per area (per partnership without boundaries)")
    p.add_argument("--households", metavar="FILE", help="households per area (per partnership without boundaries)")
    p.add_argument("--comparators", metavar="FILE", help="a comparator table (iQuanta / ONS)")
    p.add_argument("--peer-groups", metavar="FILE", help="a peer-groups TOML file")
    p.add_argument("--force-extract", metavar="FILE", action="append", default=[],
                   help="a force extract (CSV/XLSX; repeatable): a force dataset, not mixed with police.uk files")
    p.add_argument("--columns", metavar="FIELD=COLUMN,...",
                   help="the force extract's column mapping, e.g. area=Beat,crime_type=Offence,date=Date "
                   "(default: the mapping the dataset remembers from its last force import)")
    p.add_argument("--wait", metavar="SECONDS", type=float, default=0.0,
                   help="wait this long for another import of the dataset to finish (default: fail at once)")
    p.add_argument("--format", choices=["csv", "json", "table"], default="table", help="format of the file report")
    p.set_defaults(run=run)


def parse_columns(text: str | None) -> ColumnMapping | None:
    """``area=Beat,crime_type=Offence,date=Date`` -> a ColumnMapping (None for None).

    Raises
    ------
    ValueError
        Naming an entry that is not FIELD=COLUMN or a field ColumnMapping does not have.

    >>> parse_columns("area=Beat, crime_type=Offence,date=Date").date
    'Date'
    """
    if text is None:
        return None
    known = {f.name for f in fields(ColumnMapping)}
    values: dict[str, str] = {}
    for item in (i.strip() for i in text.split(",") if i.strip()):
        key, sep, column = item.partition("=")
        if not sep or key.strip() not in known or not column.strip():
            raise ValueError(f"--columns {item!r}: expected FIELD=COLUMN with FIELD one of {', '.join(sorted(known))}")
        values[key.strip()] = column.strip()
    if "area" not in values or "crime_type" not in values:
        raise ValueError("--columns needs at least area=... and crime_type=...")
    return ColumnMapping(**values)


def run(args: argparse.Namespace) -> int:
    library = Library(resolve_data_dir(args.data_dir))
    boundaries = (
        BoundaryInput(Path(args.boundaries), args.code_field, args.name_field, args.boundaries_crs, args.area_label)
        if args.boundaries else None
    )
    plan, summary = library.import_files(
        args.dataset,
        args.paths,
        timeout=args.wait,
        boundaries=boundaries,
        population=TableInput(Path(args.population)) if args.population else None,
        households=TableInput(Path(args.households)) if args.households else None,
        comparators=Path(args.comparators) if args.comparators else None,
        peer_groups=Path(args.peer_groups) if args.peer_groups else None,
        force=ForceInput(tuple(map(Path, args.force_extract)), parse_columns(args.columns)) if args.force_extract else None,
    )
    write_file_report(plan.report, args.format, base=Path.cwd())
    if summary is None:
        print(f"error: nothing usable to import into {args.dataset!r}; the dataset is unchanged", file=sys.stderr)
        return 1
    for line in plan.changes.lines():
        print(f"change: {line}", file=sys.stderr)
    print(
        f"imported into {summary.name!r}: {len(summary.months):,} months, {summary.rows:,} incident rows, "
        f"sources: {', '.join(summary.sources) or 'none'}",
        file=sys.stderr,
    )
    return 0
