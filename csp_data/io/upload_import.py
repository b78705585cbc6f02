"""Browser uploads into the dataset library: the Import page's logic, without Streamlit.

Every upload is hostile until its loader has read it: it is written under a server-chosen name in a
fresh temporary folder (:func:`csp_data.io.uploads.save_upload`: size limit, allowed suffix, never the
client's name), planned with :meth:`csp_data.io.library.Library.plan_import` (the loaders' limits:
zip bombs, member names, encodings...), and the temporary folder is removed before the plan is
returned (the plan holds its own staged copies). Reports and the manifest name an upload by its
label (the last component of the client's name), never by a server path.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from csp_data.io.boundaries import layer_fields
from csp_data.io.force import ColumnMapping
from csp_data.io.headers import header_key
from csp_data.io.library import BoundaryInput, ForceInput, ImportPlan, Library, TableInput
from csp_data.io.limits import Limits, check_zip_limits
from csp_data.io.uploads import relabel, relabel_text, save_upload, upload_label

#: The file endings each kind of upload takes (the uploader's ``type=`` list is made from these).
ALLOWED: Final[dict[str, tuple[str, ...]]] = {
    "policeuk": (".csv", ".csv.gz", ".zip"),
    "force": (".csv", ".xlsx"),
    "boundaries": (".zip", ".geojson", ".json", ".gpkg"),
    "population": (".csv", ".xlsx"),
    "households": (".csv", ".xlsx"),
    "comparators": (".csv", ".xlsx"),
    "peer_groups": (".toml",),
}

#: Header words that suggest each force-extract field (compared by ``headers.header_key``).
FORCE_GUESSES: Final[dict[str, tuple[str, ...]]] = {
    "area": ("beat", "area", "ward", "neighbourhood", "sector"),
    "crime_type": ("offence", "crimetype", "offencetype", "crime", "category", "type"),
    "date": ("date", "offencedate", "committeddate", "datefrom", "startdate"),
    "time": ("time", "offencetime", "timefrom", "starttime"),
    "month": ("month",),
    "x": ("x", "easting", "xcoord", "gridx"),
    "y": ("y", "northing", "ycoord", "gridy"),
    "lon": ("lon", "long", "longitude"),
    "lat": ("lat", "latitude"),
    "crime_id": ("crimeid", "crimeref", "reference", "urn", "id"),
    "location": ("location", "street", "address"),
    "outcome": ("outcome", "status", "result"),
    "asb_class": ("asbclass", "asbtype", "asbcategory", "asbclassification"),
}


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the client sent (untrusted: only shown) and its bytes."""

    name: str
    data: bytes

    @property
    def label(self) -> str:
        return upload_label(self.name)


@dataclass
class UploadSet:
    """What the Import page collected for one import (every field optional)."""

    policeuk: list[Upload] = field(default_factory=list)
    force: list[Upload] = field(default_factory=list)
    force_mapping: ColumnMapping | None = None
    boundaries: Upload | None = None
    code_field: str | None = None
    name_field: str | None = None
    area_label: str = "area"
    population: Upload | None = None
    households: Upload | None = None
    comparators: Upload | None = None
    peer_groups: Upload | None = None

    def empty(self) -> bool:
        return not (self.policeuk or self.force) and all(
            getattr(self, k) is None for k in ("boundaries", "population", "households", "comparators", "peer_groups")
        )


def uploader_types(kind: str) -> list[str]:
    """The ``type=`` list of an uploader for ``kind`` (Streamlit matches the last suffix: ``gz``)."""
    return sorted({s.rsplit(".", 1)[-1] for s in ALLOWED[kind]})


def plan_uploads(library: Library, name: str, uploads: UploadSet) -> ImportPlan:
    """Save the uploads under server-chosen names, plan their import into ``name`` and remove them.

    Raises
    ------
    ValueError
        Naming the upload for one over ``max_upload_mb``, empty or of a type its slot does not take
        (nothing is planned then), and as :meth:`Library.plan_import` for the dataset.
    """
    max_mb = library.limits.max_upload_mb
    tmp = Path(tempfile.mkdtemp(prefix="csp-import-"))
    labels: dict[str, str] = {}

    def save(kind: str, upload: Upload) -> Path:
        path = save_upload(upload.name, upload.data, tmp, max_mb=max_mb, allowed=ALLOWED[kind])
        labels[str(path)] = upload.label
        return path

    def table(kind: str) -> TableInput | None:
        upload = getattr(uploads, kind)
        return None if upload is None else TableInput(save(kind, upload))

    try:
        paths = [save("policeuk", u) for u in uploads.policeuk]
        force = (
            ForceInput(tuple(save("force", u) for u in uploads.force), uploads.force_mapping) if uploads.force else None
        )
        bounds = None
        if uploads.boundaries is not None:
            bounds = BoundaryInput(
                save("boundaries", uploads.boundaries), uploads.code_field or None, uploads.name_field or None,
                label=uploads.area_label or "area",
            )
        inputs: dict[str, Any] = {
            "boundaries": bounds, "population": table("population"), "households": table("households"),
            "force": force,
        }
        for kind in ("comparators", "peer_groups"):
            upload = getattr(uploads, kind)
            inputs[kind] = None if upload is None else save(kind, upload)
        plan = library.plan_import(name, paths, **{k: v for k, v in inputs.items() if v is not None})
    except ValueError as exc:  # a message that names an upload names it by its label, never the temporary path
        raise ValueError(relabel_text(str(exc), labels)) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return _relabelled(plan, labels, uploads)


def _relabelled(plan: ImportPlan, labels: dict[str, str], uploads: UploadSet) -> ImportPlan:
    """The plan with every upload named by its label (the report, and what the manifest records)."""

    def fix(value: object) -> object:
        if isinstance(value, str):
            return relabel_text(value, labels)
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    plan.report = relabel(plan.report, labels)
    plan.reports = [fix(r) for r in plan.reports]  # type: ignore[misc]
    plan.parts = [{**p, "from": fix(p.get("from"))} for p in plan.parts]
    for kind, layer in plan.layers.items():
        upload = getattr(uploads, kind.removeprefix("comparator_"), None)
        if "original" in layer and isinstance(upload, Upload):
            layer["original"] = upload.label  # the client's name, as shown; the file has a server name
    return plan


def column_names(upload: Upload, kind: str, limits: Limits) -> list[str]:
    """The column (or field) names of an upload, for the page's pickers: a force extract's header row,
    or a boundary layer's fields. Read from a server-named temporary copy, within the limits.

    Raises
    ------
    ValueError
        Naming the upload when it is refused or cannot be read.
    """
    with tempfile.TemporaryDirectory(prefix="csp-columns-") as tmp:
        path = save_upload(upload.name, upload.data, Path(tmp), max_mb=limits.max_upload_mb, allowed=ALLOWED[kind])
        try:
            if kind == "boundaries":
                return layer_fields(path, limits=limits)
            if path.suffix.lower() == ".xlsx":
                check_zip_limits(path, limits)
                header = pd.read_excel(path, nrows=0, engine="openpyxl")
            else:
                header = pd.read_csv(path, nrows=0, encoding="utf-8-sig", encoding_errors="replace", engine="python")
        except (ValueError, OSError) as exc:
            raise ValueError(relabel_text(f"{path}: cannot read the column names ({exc})", {str(path): upload.label})) from exc
        except Exception as exc:  # a parser's own error types for a malformed file
            raise ValueError(f"{upload.label}: cannot read the column names ({type(exc).__name__})") from exc
    return [str(c) for c in header.columns]


def guess_force_mapping(columns: Sequence[str]) -> dict[str, str | None]:
    """A first guess of the force-extract mapping from a header (each field: a column, or None).

    >>> guess_force_mapping(["Beat", "Offence", "Date", "Easting", "Northing"])["crime_type"]
    'Offence'
    """
    keys = {re.sub(r"[^0-9a-z]", "", header_key(c)): c for c in columns}
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for name, words in FORCE_GUESSES.items():
        match = next((keys[w] for w in words if w in keys and keys[w] not in taken), None)
        out[name] = match
        if match is not None:
            taken.add(match)
    return out


def mapping_fields() -> list[str]:
    """The ColumnMapping fields that name a column, required first (``asb_class`` included: the library
    keeps it in an ``asb_classes`` layer beside the Parquet parts)."""
    return [f.name for f in dataclasses.fields(ColumnMapping) if f.name not in ("crs", "date_format")]
