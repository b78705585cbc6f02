"""The objects every page and CLI command share: load reports and the loaded dataset."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from csp_data.groups import CrimeGroups

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from csp_data.targets import Target


Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class LoadIssue:
    """One problem found while loading: where it is and what is wrong."""

    file: str
    message: str
    row: int | None = None  # 1-based data row (header excluded); None for file-level issues
    column: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


@dataclass
class FileReport:
    """What happened to one input file."""

    path: str
    kind: str  # "police.uk street", "police.uk outcomes (skipped)", "force extract", "boundaries", ...
    accepted: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # rejection reason -> rows
    notes: Counter[str] = field(default_factory=Counter)  # kept-but-notable -> rows (no location, ...)
    issues: list[LoadIssue] = field(default_factory=list)  # examples with row/column, capped per reason

    @property
    def usable(self) -> bool:
        return not any(i.severity == "error" and i.row is None for i in self.issues)


@dataclass
class LoadReport:
    """Accepted and rejected rows with reasons, for every file a load touched."""

    files: list[FileReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # dataset-level notes (partnership filter, assignment)

    @property
    def accepted(self) -> int:
        return sum(f.accepted for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def usable(self) -> bool:
        return all(f.usable for f in self.files)

    def extend(self, other: LoadReport) -> None:
        self.files.extend(other.files)
        self.notes.extend(other.notes)

    def to_frame(self) -> pd.DataFrame:
        """One row per file: path, kind, accepted, rejected, reasons, notes."""
        rows = [
            {
                "file": f.path,
                "kind": f.kind,
                "accepted": f.accepted,
                "rejected": f.rejected,
                "rejected_reasons": "; ".join(f"{k}: {v:,}" for k, v in f.reasons.most_common()),
                "notes": "; ".join(f"{k}: {v:,}" for k, v in f.notes.most_common()),
            }
            for f in self.files
        ]
        return pd.DataFrame(
            rows, columns=["file", "kind", "accepted", "rejected", "rejected_reasons", "notes"]
        )


@dataclass(frozen=True)
class StoreInfo:
    """Where a dataset's incidents are stored and how the store was obtained."""

    parquet: Path
    rows: int  # incidents in the store (every partnership)
    partnerships: int  # distinct partnerships in the store
    imported: bool  # True: imported by this load; False: an existing store was reused
    seconds: float  # the import's wall-clock seconds (0 when reused)

    def describe(self) -> str:
        """One sentence for the Data page."""
        how = f"imported in {self.seconds:,.1f} s" if self.imported else "reused from an earlier import"
        return (
            f"{self.rows:,} incidents of {self.partnerships:,} partnerships held in the Parquet store "
            f"{self.parquet.name} ({how}); only this partnership's rows are read into memory."
        )


@dataclass
class Dataset:
    """Everything one analysis runs on.

    ``incidents`` holds the partnership's incidents only (canonical columns, see schema.py);
    incidents of other partnerships are used only to build ``comparators``.
    """

    name: str
    is_demo: bool
    incidents: pd.DataFrame
    groups: CrimeGroups
    report: LoadReport
    areas: gpd.GeoDataFrame | None = None  # area_code, area_name, population, households, geometry (27700)
    area_label: str = "area"  # "beat", "ward", ...
    partnership: str | None = None
    boundary: BaseGeometry | None = None  # the partnership outline in EPSG:27700
    comparators: pd.DataFrame | None = None  # schema.COMPARATOR_COLUMNS
    peer_groups: dict[str, list[str]] = field(default_factory=dict)  # {"msg": [...], "county": [...]}
    source: str = ""  # one line naming the source and licence, shown under every figure
    has_times: bool = False  # dates and hours known (force extracts, demo)
    store: StoreInfo | None = None  # the Parquet store the incidents were read from (store = "parquet")
    indicators: pd.DataFrame | None = None  # partner indicators (csp_data/io/indicators.py INDICATOR_COLUMNS)
    targets: tuple[Target, ...] = ()  # [[targets]] (csp_data/targets.py)

    @property
    def area_title(self) -> str:
        """The area label with a capital first letter and the rest kept ("ward" -> "Ward", "LSOA" -> "LSOA")."""
        return self.area_label[:1].upper() + self.area_label[1:]

    @property
    def months(self) -> pd.DatetimeIndex:
        """Months that have at least one incident, sorted.

        Worked out once per ``incidents`` frame (the pages ask for it many times a rerun, and a loaded
        dataset is shared and never changed); a new frame assigned to ``incidents`` is read afresh."""
        frame = self.incidents
        held = self.__dict__.get("_months_of")
        if held is not None and held[0] is frame:
            return held[1]
        months = pd.DatetimeIndex(sorted(frame["month"].dropna().unique()))
        self.__dict__["_months_of"] = (frame, months)
        return months

    @property
    def latest_month(self) -> pd.Timestamp | None:
        months = self.months
        return pd.Timestamp(months[-1]) if len(months) else None

    @property
    def first_month(self) -> pd.Timestamp | None:
        months = self.months
        return pd.Timestamp(months[0]) if len(months) else None
