"""Input sources: files, folders (walked recursively) and zip members, read without extracting.

Every loader reads bytes through :meth:`Source.read_bytes`, which enforces the
:class:`csp_data.io.limits.Limits` (file size, compression ratio, total size of a zip archive).
Nothing is ever extracted to disk: zip members and ``.gz`` files are decompressed in memory, and a
member's name is only a label (never a path to write).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from csp_data.io.limits import DEFAULT_LIMITS, LIMITS_SECTION, LimitError, Limits, mb

#: File name endings the folder scan picks up as tables (police.uk archives are CSV).
TABLE_SUFFIXES: Final = (".csv", ".csv.gz", ".zip")
#: Most files one folder walk looks at: a folder such as a home folder would otherwise be read for ever.
MAX_FILES_SCANNED: Final = 100_000
#: Virtual filesystems that hold no data (and files that never end, such as /dev/zero).
VIRTUAL_FILESYSTEMS: Final = ("/proc", "/sys", "/dev")

#: The longest first line read as a header (a longer one is not a CSV header).
MAX_HEADER_BYTES: Final = 64 * 1024
#: Characters that are not shown as themselves in a message: they could move the cursor, colour the
#: terminal, break a line or reorder the text (bidirectional overrides).
_HIDDEN_CATEGORIES: Final = ("Cc", "Zl", "Zp")
_BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(name: str) -> str:
    r"""``name`` (a zip member name, read from the archive) with every control character escaped the way
    ``repr`` writes it, so that a message can show it without it acting on the terminal or the page.

    >>> printable("bad\x1b[31m\nname.csv")
    'bad\\x1b[31m\\nname.csv'
    """
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in _HIDDEN_CATEGORIES or ch in _BIDI_CONTROLS
        else ch
        for ch in name
    )


def system_path_problem(path: str | Path) -> str | None:
    """Why ``path`` must not be read as input (a filesystem root or a virtual filesystem), or None.

    >>> system_path_problem("/")
    'is a filesystem root: name the folder that holds the data'
    >>> system_path_problem("/proc/self")
    'is inside the virtual filesystem /proc, which holds no data'
    >>> system_path_problem("data/2021-01") is None
    True
    """
    resolved = Path(os.path.expanduser(str(path))).resolve()
    if resolved == Path(resolved.anchor):
        return "is a filesystem root: name the folder that holds the data"
    for virtual in VIRTUAL_FILESYSTEMS:
        if resolved.is_relative_to(virtual):
            return f"is inside the virtual filesystem {virtual}, which holds no data"
    return None


def walk_files(folder: Path, *, max_files: int = MAX_FILES_SCANNED) -> list[Path]:
    """Every file under ``folder``, recursively (symlinked folders are not followed), sorted.

    Raises
    ------
    ValueError
        When ``folder`` is a filesystem root or a virtual filesystem (:func:`system_path_problem`), or
        holds more than ``max_files`` files (the limit is named in the message).
    """
    problem = system_path_problem(folder)
    if problem is not None:
        raise ValueError(f"{folder}: {problem}")
    found: list[Path] = []
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        for name in files:
            if len(found) >= max_files:
                raise ValueError(
                    f"more than {max_files:,} files under {folder}: stopped scanning (limit {max_files:,} files); "
                    "name the folder that holds the data"
                )
            found.append(Path(top) / name)
    return sorted(p for p in found if p.is_file())


#: Errors reading a file, a zip member or a gzip stream can raise (turned into one ValueError).
_READ_ERRORS: Final = (OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class Source:
    """One readable input: a file on disk or a member of a zip archive (read without extracting).

    ``problem`` is set when the input cannot be used at all (a zip over max_zip_total_mb, two members
    with one name): the loaders report it as a file-level error instead of reading.
    """

    path: Path
    member: str | None = None
    problem: str | None = None

    @property
    def label(self) -> str:
        """'path' or 'archive.zip:member' -- what reports and ``source_file`` show (control characters in
        the member name escaped, see :func:`printable`)."""
        return f"{self.path}:{printable(self.member)}" if self.member else str(self.path)

    @property
    def name(self) -> str:
        """The file name (the member's base name for zip members)."""
        return Path(self.member).name if self.member else self.path.name

    def read_bytes(self, limits: Limits = DEFAULT_LIMITS) -> bytes:
        """The bytes of the file or member (gunzipped when the name ends in ``.gz``), within ``limits``.

        Raises
        ------
        ValueError
            Naming the source: a :class:`LimitError` naming the limit and its config key, or the
            reason it cannot be read (damaged zip or gzip, unreadable file).
        """
        if self.problem:
            raise ValueError(f"{self.label}: {self.problem}")
        try:
            data = self._raw(limits)
            if self.name.lower().endswith(".gz"):
                data = _gunzip(data, self.label, limits)
        except LimitError:
            raise
        except _READ_ERRORS as exc:
            raise ValueError(f"{self.label}: cannot read ({exc})") from exc
        return data

    def head(self, size: int = MAX_HEADER_BYTES) -> bytes:
        """The first ``size`` bytes of the content (decompressed), reading no more than needed."""
        try:
            with contextlib.ExitStack() as stack:
                fh: IO[bytes]
                if self.member is None:
                    fh = stack.enter_context(self.path.open("rb"))
                else:
                    archive = stack.enter_context(zipfile.ZipFile(self.path))
                    fh = stack.enter_context(archive.open(self.member))
                if self.name.lower().endswith(".gz"):
                    return stack.enter_context(gzip.GzipFile(fileobj=fh)).read(size)
                return fh.read(size)
        except _READ_ERRORS as exc:
            raise ValueError(f"{self.label}: cannot read ({exc})") from exc

    def _raw(self, limits: Limits) -> bytes:
        cap = limits.max_file_bytes
        if self.member is None:
            size = self.path.stat().st_size
            if size > cap:
                raise limits.too_big(self.label, "the file", size)
            with self.path.open("rb") as fh:
                data = fh.read(cap + 1)
            if len(data) > cap:  # it grew while being read
                raise limits.too_big(self.label, "the file", len(data))
            return data
        with zipfile.ZipFile(self.path) as archive:
            info = archive.getinfo(self.member)
            if info.file_size > cap:
                raise limits.too_big(self.label, "the member (uncompressed)", info.file_size)
            ratio_cap = limits.ratio_cap(info.compress_size)
            if info.file_size > ratio_cap:
                raise limits.too_compressed(self.label, info.compress_size, info.file_size)
            # The directory's sizes can lie: never read more than the limits allow, whatever it says.
            with archive.open(info) as fh:
                data = fh.read(min(cap, ratio_cap) + 1)
        if len(data) > cap:
            raise limits.too_big(self.label, "the member (uncompressed)", len(data))
        if len(data) > ratio_cap:
            raise limits.too_compressed(self.label, info.compress_size)
        return data

    def open(self, limits: Limits = DEFAULT_LIMITS) -> io.BytesIO:
        """A fresh binary buffer over the content."""
        return io.BytesIO(self.read_bytes(limits))


def _gunzip(data: bytes, label: str, limits: Limits) -> bytes:
    """Decompress gzip ``data`` in memory, never producing more than the limits allow (gzip bombs)."""
    cap, ratio_cap = limits.max_file_bytes, limits.ratio_cap(len(data))
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
        out = gz.read(min(cap, ratio_cap) + 1)
    if len(out) > cap:
        raise limits.too_big(label, "the decompressed file", len(out))
    if len(out) > ratio_cap:
        raise limits.too_compressed(label, len(data))
    return out


def _is_table_name(name: str) -> bool:
    low = name.lower()
    return low.endswith(TABLE_SUFFIXES)


def expand_paths(
    paths: Sequence[str | Path] | str | Path, *, limits: Limits = DEFAULT_LIMITS
) -> list[Source]:
    """Expand files, folders (recursively) and ``.zip`` archives into readable sources.

    Parameters
    ----------
    paths
        Files, folders or zip archives. Folders are searched recursively for ``.csv``,
        ``.csv.gz`` and ``.zip`` files; zip archives contribute their ``.csv`` and ``.csv.gz`` members
        (never extracted; hidden names such as ``__MACOSX/._x.csv`` are not tables).
    limits
        A zip whose tables exceed ``max_zip_total_mb`` gives one Source with a ``problem``; so does
        each name held by two or more members (neither is read: the archive is ambiguous).

    Returns
    -------
    list[Source]
        In a stable order (sorted within each folder and archive), without duplicates.

    Raises
    ------
    ValueError
        When a path does not exist, or a ``.zip`` is not a valid archive.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    out: list[Source] = []
    seen: set[tuple[str, str | None]] = set()

    def add(source: Source) -> None:
        key = (str(source.path.resolve()), source.member)
        if key not in seen:
            seen.add(key)
            out.append(source)

    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ValueError(f"{path}: no such file or folder")
        if path.is_dir():
            files = [p for p in walk_files(path) if _is_table_name(p.name)]
            for file in files:
                for source in _file_sources(file, limits):
                    add(source)
        else:
            for source in _file_sources(path, limits):
                add(source)
    return out


def _file_sources(path: Path, limits: Limits) -> Iterable[Source]:
    if path.suffix.lower() != ".zip":
        return [Source(path)]
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and info.filename.lower().endswith((".csv", ".csv.gz"))
                and not Path(info.filename).name.startswith(("._", "."))
            ]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{path}: not a valid zip archive ({exc})") from exc
    total = sum(info.file_size for info in infos)
    if total > limits.max_zip_total_bytes:
        problem = (
            f"the archive's tables total {mb(total)} uncompressed, over the limit max_zip_total_mb = "
            f"{limits.max_zip_total_mb:g} ({LIMITS_SECTION}); nothing in it is read"
        )
        return [Source(path, problem=problem)]
    counts = Counter(info.filename for info in infos)
    return [
        Source(path, name)
        if n == 1
        else Source(
            path,
            name,
            problem=f"the archive holds {n} members named {name!r}; none of them is read (names must be unique)",
        )
        for name, n in sorted(counts.items())
    ]
