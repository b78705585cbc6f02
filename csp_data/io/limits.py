"""Size limits on what the loaders read (csp.toml ``[limits]``) and the checks that enforce them.

:class:`Limits` holds the limits (file size, field size, zip total, compression ratio);
:class:`LimitError` names the limit and its config key; :func:`check_zip_limits` refuses an Excel
workbook over them before it is opened. :meth:`csp_data.io.sources.Source.read_bytes` enforces them
on every file read.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Final

#: Where the limits are set, named in every limit message.
LIMITS_SECTION: Final = "[limits] in csp.toml"
#: Decompressed sizes below this are never refused for their compression ratio (no bomb is that small).
RATIO_FLOOR_BYTES: Final = 1 << 20
#: The csv module's own field limit (characters), which max_field_kb cannot exceed.
CSV_FIELD_LIMIT: Final = 131_072




class LimitError(ValueError):
    """An input is over one of the :class:`Limits`; the message names the limit and its config key."""


@dataclass(frozen=True)
class Limits:
    """Size limits on what the loaders read; set in csp.toml ``[limits]`` under the same key names.

    Parameters
    ----------
    max_file_mb
        Largest file, zip member or decompressed ``.gz`` file read (MiB, uncompressed).
    max_field_kb
        Longest CSV field (KiB of text); a row with a longer field is rejected. At most 128 (the
        limit of Python's csv reader, used for files pyarrow cannot read).
    max_zip_total_mb
        Largest total uncompressed size of the tables in one zip archive (MiB, as its directory says).
    max_compression_ratio
        Largest uncompressed / compressed size of a zip member or ``.gz`` file (checked above 1 MiB).
    max_upload_mb
        Largest file uploaded in the browser (MB, as Streamlit's ``server.maxUploadSize`` counts it, which
        caps it: .streamlit/config.toml sets the same 200, and a test keeps them equal).
    """

    max_file_mb: float = 1024.0
    max_field_kb: float = 128.0
    max_zip_total_mb: float = 4096.0
    max_compression_ratio: float = 100.0
    max_upload_mb: float = 200.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise ValueError(f"[limits] {f.name}: expected a positive number, got {value!r}")
        if self.max_field_kb > CSV_FIELD_LIMIT / 1024:
            raise ValueError(
                f"[limits] max_field_kb: expected at most {CSV_FIELD_LIMIT // 1024} (the CSV reader's own "
                f"limit), got {self.max_field_kb!r}"
            )

    @classmethod
    def from_config(cls, section: object, *, where: str = "config") -> Limits:
        """The limits of a csp.toml ``[limits]`` table (None or absent: the defaults).

        Raises
        ------
        ValueError
            Naming ``where`` and the key when a value is not a positive number (unknown keys are
            refused before, by the config's key check).
        """
        if section is None:
            return cls()
        if not isinstance(section, Mapping):
            raise ValueError(f"{where}: [limits] must be a table of numbers, got {section!r}")
        # Unknown keys and non-numbers are refused with the nearest key by dataset.check_keys, which
        # takes the key names from this class's fields.
        try:
            return cls(**{str(k): v for k, v in section.items()})
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from exc

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * (1 << 20))

    @property
    def max_field_chars(self) -> int:
        return int(self.max_field_kb * 1024)

    @property
    def max_zip_total_bytes(self) -> int:
        return int(self.max_zip_total_mb * (1 << 20))

    def too_big(self, label: str, what: str, size: int) -> LimitError:
        """The error for ``what`` of ``size`` bytes over max_file_mb."""
        return LimitError(
            f"{label}: {what} is {mb(size)}, over the limit max_file_mb = {self.max_file_mb:g} "
            f"({LIMITS_SECTION})"
        )

    def ratio_cap(self, compressed: int) -> int:
        """The most bytes ``compressed`` bytes may decompress to under max_compression_ratio."""
        return max(RATIO_FLOOR_BYTES, int(compressed * self.max_compression_ratio))

    def too_compressed(self, label: str, compressed: int, size: int | None = None) -> LimitError:
        shown = f"{mb(size)} from {mb(compressed)}" if size is not None else f"more than {mb(self.ratio_cap(compressed))} from {mb(compressed)}"
        return LimitError(
            f"{label}: decompresses to {shown}, over the limit max_compression_ratio = "
            f"{self.max_compression_ratio:g} ({LIMITS_SECTION}); a zip or gzip bomb?"
        )


#: The limits used when a caller passes none.
DEFAULT_LIMITS: Final = Limits()


def mb(size: int) -> str:
    """``size`` bytes as MiB, for limit messages."""
    return f"{size / (1 << 20):,.1f} MiB"


def check_zip_limits(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a zip-based file (an Excel workbook) whose parts are over the limits, before it is opened.

    Raises
    ------
    ValueError
        Naming the file and the limit (a LimitError), or when the file is not a readable zip.
    """
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise limits.too_big(str(path), "the file", size)
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except LimitError:
        raise
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{path}: cannot read as an Excel workbook ({exc})") from exc
    total = sum(i.file_size for i in infos)
    if total > limits.max_file_bytes:
        raise limits.too_big(str(path), "the workbook (uncompressed)", total)
    compressed = sum(i.compress_size for i in infos)
    if total > limits.ratio_cap(compressed):
        raise limits.too_compressed(str(path), compressed, total)
