"""The one TOML reader: every config, crime-groups, risk and peer-groups file is read here."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


def read_toml(path: str | Path, *, what: str = "file", label: str | None = None) -> dict[str, Any]:
    """The TOML table in ``path``.

    ``what`` names the kind of file in messages ("config file", "risk config file", ...) and ``label``
    how the file is named in them (default: the path as given, e.g. ``--config x.toml``).

    Raises
    ------
    ValueError
        Naming the file when it is missing, a folder, unreadable, not UTF-8 or not TOML.
    """
    name = label if label is not None else str(path)
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError(f"{name}: {what} not found") from exc
    except IsADirectoryError as exc:
        raise ValueError(f"{name}: is a folder, expected a {what}") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position {exc.start}); save it as UTF-8"
        ) from exc
    except OSError as exc:
        raise ValueError(f"{name}: cannot read the {what} ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{name}: not valid TOML ({exc})") from exc
