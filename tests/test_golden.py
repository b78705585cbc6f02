"""Golden test (issue #11): the CLI's CSV output and each page's headline are unchanged.

Every case of scripts/update_golden.py (counts, hotspots count/kde/gistar, trend, yoy and risk with a
fixed period; the Overview, Hotspots, Trends and Priorities headlines) is regenerated in memory and
compared with its file in tests/golden/. The text must be identical; only a CSV whose text differs is
then parsed with pandas and its float columns compared with a relative tolerance of 1e-9 (absolute 1e-12
near zero), so that float noise from a changed summation order is not a failure. See
tests/golden/README.md.
"""

from __future__ import annotations

import difflib
import importlib.util
import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
UPDATE = ROOT / "scripts" / "update_golden.py"
HINT = "run `.venv/bin/python scripts/update_golden.py` if the change is intended"
MAX_DIFF_LINES = 40
RTOL, ATOL = 1e-9, 1e-12


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_golden", UPDATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("update_golden", module)
    spec.loader.exec_module(module)
    return module


golden = _load_script()
CASES = golden.all_cases()


def _param(case: object) -> object:
    marks = [pytest.mark.real] if case.source.real else []  # type: ignore[attr-defined]
    return pytest.param(case, id=case.name, marks=marks)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def run_case() -> Iterator[Callable[[object], dict[str, str]]]:
    """One runner for the module: each dataset is loaded once (see update_golden.session)."""
    with golden.session() as run:
        yield run


def _diff(expected: str, found: str, name: str) -> str:
    lines = list(difflib.unified_diff(
        expected.splitlines(), found.splitlines(), f"tests/golden/{name}", f"{name} (now)", lineterm=""
    ))
    more = f"\n... and {len(lines) - MAX_DIFF_LINES} more diff lines" if len(lines) > MAX_DIFF_LINES else ""
    return "\n".join(lines[:MAX_DIFF_LINES]) + more


def _same_within_tolerance(expected: str, found: str) -> bool:
    """Same columns, rows and non-float values; float columns equal within RTOL (ATOL near zero)."""
    try:
        old = pd.read_csv(io.StringIO(expected), keep_default_na=False, na_values=[""])
        new = pd.read_csv(io.StringIO(found), keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError):
        return False
    if list(old.columns) != list(new.columns) or old.shape != new.shape:
        return False
    for col in old.columns:
        a, b = old[col], new[col]
        if pd.api.types.is_float_dtype(a) and pd.api.types.is_float_dtype(b):
            if not np.allclose(a.to_numpy(), b.to_numpy(), rtol=RTOL, atol=ATOL, equal_nan=True):
                return False
        elif not a.equals(b):
            return False
    return True


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_golden(case: object, run_case: Callable[[object], dict[str, str]]) -> None:
    source = case.source  # type: ignore[attr-defined]
    if not golden.source_available(source):
        pytest.skip(f"{golden.REAL_DATA} not found: the {source.name} golden cases need the real data beside the repo")
    outputs = run_case(case)
    assert sorted(outputs) == sorted(case.files)  # type: ignore[attr-defined]
    for name, found in outputs.items():
        path = golden.GOLDEN / name
        assert path.exists(), f"tests/golden/{name} is missing; {HINT}"
        expected = path.read_text(encoding="utf-8")
        if found == expected:
            continue
        if name.endswith(".csv") and _same_within_tolerance(expected, found):
            continue  # float noise only (documented in tests/golden/README.md)
        pytest.fail(f"{name} differs from tests/golden/{name}:\n{_diff(expected, found, name)}\n{HINT}", pytrace=False)


def test_no_stale_golden_files() -> None:
    """Every file in tests/golden/ belongs to a case (a renamed or removed case leaves none behind)."""
    known = {f for c in CASES for f in c.files} | {"README.md"}
    stale = sorted(p.name for p in golden.GOLDEN.iterdir() if p.name not in known)
    assert not stale, f"tests/golden/ holds files no case writes: {stale}; delete them or {HINT}"


def test_tolerance_accepts_float_noise_only() -> None:
    """The fallback comparison forgives a last-digit float difference, not a changed count or label."""
    base = "cell_id,count,z,class\n1,3,0.1234567890123,Hot\n2,0,,Not significant\n"
    assert _same_within_tolerance(base, base.replace("0.1234567890123", "0.1234567890124"))
    assert not _same_within_tolerance(base, base.replace("0.1234567890123", "0.1234568"))
    assert not _same_within_tolerance(base, base.replace("1,3,", "1,4,"))
    assert not _same_within_tolerance(base, base.replace("Hot", "Cold"))
    assert not _same_within_tolerance(base, base + "3,1,0.5,Hot\n")
