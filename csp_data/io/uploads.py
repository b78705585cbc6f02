"""Uploaded files (the Data page's "check a file"): checked without trusting anything the client sent.

The browser sends a file name with every upload, and the server passes it on unchanged: a name such
as ``../../srv/other/evil-street.csv`` or ``/etc/cron.d/x.csv`` must never become a path. The upload is
written to a fresh temporary folder under a name the server makes (an allowed suffix, and for police.uk
files the month and kind read from the client's name by a strict pattern), checked, and removed; the
client's name is only ever shown, as a label.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import uuid
from pathlib import Path
from typing import Final

from csp_data.io.detect import validate_paths
from csp_data.io.limits import DEFAULT_LIMITS
from csp_data.model import LoadReport

#: File endings the Data page accepts (the uploader's ``type`` list, and checked again here).
ALLOWED_SUFFIXES: Final = (".csv.gz", ".csv", ".xlsx", ".zip", ".geojson", ".json", ".gpkg")
#: Largest upload checked by default (``max_upload_mb`` in ``[limits]``; Streamlit's server.maxUploadSize
#: in .streamlit/config.toml is the same 200 MB, and caps it).
MAX_UPLOAD_MB: Final = int(DEFAULT_LIMITS.max_upload_mb)
#: A police.uk archive file name: its month and kind are kept (the loaders read them from the name).
_POLICEUK_NAME: Final = re.compile(r"(\d{4}-\d{2})-[\w.-]*?-(street|outcomes|stop-and-search)\.csv(\.gz)?", re.I)
_LABEL_MAX: Final = 120
#: A force's part of a police.uk file name that may be kept in a server name (lower-case slug only).
_FORCE_SLUG: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def upload_label(name: str) -> str:
    """The client's file name as it may be shown: its last component, printable, at most 120 characters.

    >>> upload_label("../../srv/other/evil-street.csv")
    'evil-street.csv'
    >>> upload_label("C:\\\\Users\\\\me\\\\2021-01-x-street.csv")
    '2021-01-x-street.csv'
    """
    base = re.split(r"[/\\]", name)[-1]
    printable = "".join(c for c in base if c.isprintable()).strip()
    return printable[:_LABEL_MAX] or "upload"


def upload_file_name(name: str, allowed: tuple[str, ...] = ALLOWED_SUFFIXES, *, keep_force: bool = False) -> str:
    """The name the server gives an upload: ``upload`` plus the allowed suffix of the client's name
    (``2021-01-upload-street.csv`` for a police.uk archive file name; with ``keep_force``, the force
    part when it is a plain slug, ``2021-01-hertfordshire-street.csv``: the library keys a month by its
    force, so two forces' uploads must not both be ``upload``).

    Raises
    ------
    ValueError
        When the name does not end in one of ALLOWED_SUFFIXES.

    >>> upload_file_name("../../srv/other/2021-03-herts-street.csv")
    '2021-03-upload-street.csv'
    >>> upload_file_name("/etc/passwd.XLSX")
    'upload.xlsx'
    """
    label = upload_label(name)
    low = label.lower()
    suffix = next((s for s in sorted(allowed, key=len, reverse=True) if low.endswith(s)), None)
    if suffix is None:
        raise ValueError(f"{label}: not a file type that can be checked; expected one of {', '.join(allowed)}")
    police = _POLICEUK_NAME.fullmatch(label)
    if police is not None:
        month, kind, gz = police.group(1), police.group(2).lower(), police.group(3) or ""
        force = label[len(month) + 1 : police.start(2) - 1].lower()
        if not (keep_force and len(force) <= 64 and _FORCE_SLUG.fullmatch(force)):
            force = "upload"
        return f"{month}-{force}-{kind}.csv{gz.lower()}"
    return f"upload{suffix}"


def check_upload_size(name: str, size: int, max_mb: float = MAX_UPLOAD_MB) -> None:
    """Refuse an upload of ``size`` bytes over ``max_mb`` MB, naming it by its label.

    Raises
    ------
    ValueError
        Naming the upload, its size and the limit.
    """
    if size > max_mb * 1_000_000:
        raise ValueError(
            f"{upload_label(name)}: {size / 1_000_000:,.1f} MB is over the upload limit of {max_mb:g} MB "
            "(max_upload_mb in [limits] of csp.toml)"
        )


def save_upload(
    name: str, data: bytes, folder: Path, *, max_mb: float = MAX_UPLOAD_MB, allowed: tuple[str, ...] = ALLOWED_SUFFIXES
) -> Path:
    """Write an upload into ``folder`` under a name the server makes, never the client's.

    Each upload gets its own fresh sub-folder (a random id) holding :func:`upload_file_name`, so two
    uploads never collide and a police.uk file keeps its month and kind.

    Raises
    ------
    ValueError
        Naming the upload when it is over ``max_mb``, empty, or not one of the ``allowed`` suffixes.
    """
    label = upload_label(name)
    check_upload_size(name, len(data), max_mb)
    file_name = upload_file_name(name, allowed, keep_force=True)
    if not data:
        raise ValueError(f"{label}: the file is empty")
    target = folder / uuid.uuid4().hex[:12]
    target.mkdir(parents=True)
    path = target / file_name
    path.write_bytes(data)
    return path


def check_upload(name: str, data: bytes, *, max_mb: float = MAX_UPLOAD_MB) -> LoadReport:
    """Validate an uploaded file as ``python -m csp_data validate`` would, labelled with the client's name.

    Parameters
    ----------
    name
        The file name the client sent (untrusted: only shown, through :func:`upload_label`).
    data
        The file's bytes.
    max_mb
        Largest upload checked, in MB (10^6 bytes).

    Returns
    -------
    LoadReport
        Every file, issue and note names the upload by its label, never the temporary path.

    Raises
    ------
    ValueError
        Naming the upload when it is over ``max_mb`` or not an allowed type.
    """

    label = upload_label(name)
    check_upload_size(name, len(data), max_mb)
    file_name = upload_file_name(name)
    with tempfile.TemporaryDirectory(prefix="csp-upload-") as tmp:
        path = Path(tmp) / file_name
        path.write_bytes(data)
        report = validate_paths([path])
    return _relabel(report, str(path), label)


def _relabel(report: LoadReport, path: str, label: str) -> LoadReport:
    return relabel(report, {path: label})


def relabel_text(text: str, labels: dict[str, str]) -> str:
    """``text`` with every server path of ``labels`` (path -> the client's label) replaced by its label,
    and any other mention of an upload's folder by ``(upload)``."""
    for path, label in labels.items():
        folder = str(Path(path).parent)
        text = text.replace(path, label).replace(folder + "/", "").replace(folder, "(upload)")
    return text


def relabel(report: LoadReport, labels: dict[str, str]) -> LoadReport:
    """A report that names each upload by its label (path -> label), never its temporary path."""

    def text(s: str) -> str:
        return relabel_text(s, labels)

    files = []
    for f in report.files:
        issues = [dataclasses.replace(i, file=text(i.file), message=text(i.message)) for i in f.issues]
        files.append(dataclasses.replace(f, path=text(f.path), issues=issues))
    return LoadReport(files=files, notes=[text(n) for n in report.notes])
