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
from pathlib import Path
from typing import Final

from csp_data.io.detect import validate_paths
from csp_data.model import LoadReport

#: File endings the Data page accepts (the uploader's ``type`` list, and checked again here).
ALLOWED_SUFFIXES: Final = (".csv.gz", ".csv", ".xlsx", ".zip", ".geojson", ".json", ".gpkg")
#: Largest upload checked (Streamlit's own server.maxUploadSize default is the same 200 MB).
MAX_UPLOAD_MB: Final = 200
#: A police.uk archive file name: its month and kind are kept (the loaders read them from the name).
_POLICEUK_NAME: Final = re.compile(r"(\d{4}-\d{2})-[\w.-]*?-(street|outcomes|stop-and-search)\.csv(\.gz)?", re.I)
_LABEL_MAX: Final = 120


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


def upload_file_name(name: str) -> str:
    """The name the server gives an upload: ``upload`` plus the allowed suffix of the client's name
    (``2021-01-upload-street.csv`` for a police.uk archive file name).

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
    suffix = next((s for s in ALLOWED_SUFFIXES if low.endswith(s)), None)
    if suffix is None:
        raise ValueError(
            f"{label}: not a file type that can be checked; expected one of {', '.join(ALLOWED_SUFFIXES)}"
        )
    police = _POLICEUK_NAME.fullmatch(label)
    if police is not None:
        month, kind, gz = police.group(1), police.group(2).lower(), police.group(3) or ""
        return f"{month}-upload-{kind}.csv{gz.lower()}"
    return f"upload{suffix}"


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
    if len(data) > max_mb * 1_000_000:
        raise ValueError(f"{label}: {len(data) / 1_000_000:,.1f} MB is over the upload limit of {max_mb:g} MB")
    file_name = upload_file_name(name)
    with tempfile.TemporaryDirectory(prefix="csp-upload-") as tmp:
        path = Path(tmp) / file_name
        path.write_bytes(data)
        report = validate_paths([path])
    return _relabel(report, str(path), label)


def _relabel(report: LoadReport, path: str, label: str) -> LoadReport:
    folder = str(Path(path).parent)

    def text(s: str) -> str:
        return s.replace(path, label).replace(folder + "/", "").replace(folder, "(upload)")

    files = []
    for f in report.files:
        issues = [dataclasses.replace(i, file=text(i.file), message=text(i.message)) for i in f.issues]
        files.append(dataclasses.replace(f, path=text(f.path), issues=issues))
    return LoadReport(files=files, notes=[text(n) for n in report.notes])
