"""The one place numbers become text: counts, rates, percentages, changes, ranks, "n/a", "new", "<5".

Every page, generated sentence, export and CLI table formats through these functions, so a rate has
the same decimals and an unknown rank the same marker everywhere. Signs use the true minus sign (−).
It is also the one place a text cell is made safe for a spreadsheet (``neutralise_cell``).
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

import pandas as pd

from csp_data.change import pct_change

#: A value that cannot be given (a month outside the data, no population, a category the source lacks).
NA: Final = "n/a"
#: The % change of a count that was 0 and is not now.
NEW: Final = "new"
#: The % change cell of 0 -> 0: nothing before and nothing now is no change, not "new".
NO_CHANGE: Final = "no change"
#: Decimals of every rate (per 1,000 residents or households): low-volume rates are small.
RATE_DECIMALS: Final = 2
MINUS: Final = "−"


def is_number(value: Any) -> bool:
    """A real, finite number (not a bool, None, NaN or text).

    >>> [is_number(v) for v in (3, 2.5, float("nan"), None, True, "4")]
    [True, True, False, False, False, False]
    """
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_missing(value: Any) -> bool:
    """None or NaN (pandas' NA too)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pd.NA-safe enough for scalars
    except (TypeError, ValueError):
        return True


def na(reason: str = "") -> str:
    """'n/a', or 'n/a: <reason>' when the reason is known.

    >>> na(), na("no population given")
    ('n/a', 'n/a: no population given')
    """
    return f"{NA}: {reason}" if reason else NA


def fmt_count(value: Any) -> str:
    """8686 -> '8,686'; missing -> 'n/a'.

    >>> fmt_count(8686), fmt_count(None)
    ('8,686', 'n/a')
    """
    if is_missing(value):
        return NA
    return f"{int(value):,}"


def fmt_rate(value: Any) -> str:
    """A rate with :data:`RATE_DECIMALS` decimals and thousands separators; missing -> 'n/a'.

    >>> fmt_rate(2.8979), fmt_rate(1234.5), fmt_rate(float("nan"))
    ('2.90', '1,234.50', 'n/a')
    """
    if is_missing(value):
        return NA
    return f"{float(value):,.{RATE_DECIMALS}f}"


def fmt_number(value: Any, decimals: int = 1) -> str:
    """A measure that is neither a count nor a rate (a z-score, a density), signed with '−'."""
    if is_missing(value):
        return NA
    return f"{float(value):,.{decimals}f}".replace("-", MINUS)


def fmt_change(value: float) -> str:
    """'+26', '−11', '0' (true minus sign, thousands separators).

    >>> fmt_change(26), fmt_change(-1100), fmt_change(0)
    ('+26', '−1,100', '0')
    """
    if value == 0:
        return "0"
    sign = "+" if value > 0 else MINUS
    return f"{sign}{abs(value):,.0f}"


def fmt_pct(value: float | None) -> str:
    """'+12.3%', '−59.5%', 'new' when undefined (for a cell that knows both counts use
    :func:`fmt_pct_change`, which tells 0 -> 0 from new).

    >>> fmt_pct(12.34), fmt_pct(-59.46), fmt_pct(0.01), fmt_pct(None)
    ('+12.3%', '−59.5%', '0.0%', 'new')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NEW
    if round(value, 1) == 0:
        return "0.0%"
    sign = "+" if value > 0 else MINUS
    return f"{sign}{abs(value):.1f}%"


def fmt_pct_change(current: float | None, previous: float | None, *, na_reason: str = "") -> str:
    """The one rule for a % change cell, from the two counts.

    * ``na_reason`` given (e.g. 'police.uk has no dwelling split'): 'n/a: <reason>', whatever the counts;
    * either count missing (None/NaN): 'n/a';
    * 0 -> 0: 'no change' (DOMAIN: % change is undefined when previous = 0, and nothing changed);
    * 0 -> some: 'new';
    * otherwise :func:`fmt_pct` of :func:`pct_change` ('+12.3%', '−59.5%', '0.0%').

    Examples
    --------
    >>> [fmt_pct_change(0, 0), fmt_pct_change(4, 0), fmt_pct_change(15, 37), fmt_pct_change(None, 3)]
    ['no change', 'new', '−59.5%', 'n/a']
    >>> fmt_pct_change(0, 0, na_reason="police.uk has no dwelling split")
    'n/a: police.uk has no dwelling split'
    """
    if na_reason:
        return na(na_reason)
    if current is None or previous is None or math.isnan(float(current)) or math.isnan(float(previous)):
        return NA
    if previous == 0:
        return NO_CHANGE if current == 0 else NEW
    return fmt_pct(pct_change(current, previous))


def ordinal(n: float) -> str:
    """'1st', '2nd', '3rd', '4th', '11th', '21st', '112th'.

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 112)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '112th']
    """
    r = int(n)
    suffix = "th" if 10 <= r % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(r % 10, "th")
    return f"{r}{suffix}"


def fmt_rank(rank: float | int | None, size: float | int | None, *, missing: str = NA) -> str:
    """'4th/15' (rank 1 = lowest rate; ties share the lowest rank); ``missing`` ('n/a') when the rank
    or the group size is unknown or the group is empty.

    Examples
    --------
    >>> fmt_rank(4, 15), fmt_rank(1, 10), fmt_rank(22, 30), fmt_rank(13, 15), fmt_rank(None, 15)
    ('4th/15', '1st/10', '22nd/30', '13th/15', 'n/a')
    """
    if is_missing(rank) or is_missing(size) or not size:
        return missing
    return f"{ordinal(rank)}/{int(size)}"  # type: ignore[arg-type]


def suppressed(threshold: int) -> str:
    """The label of a count between 1 and ``threshold`` − 1 in partner-safe mode: '<5'.

    >>> suppressed(5)
    '<5'
    """
    return f"<{threshold}"


# ------------------------------------------------------------------ spreadsheet cells (formula injection)

#: First characters that make a spreadsheet read a text cell as a formula (OWASP "CSV injection"):
#: = + - @, tab and carriage return, and their full-width forms (＝＋－＠), which some locales' Excel
#: and input methods fold to the ASCII ones.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: A signed number written as text ('+26', '-1,100', '+12.3%'): no function or reference, so no formula
#: risk; left as it is so that change columns stay readable.
_SIGNED_NUMBER: Final = re.compile(r"[+-][0-9][0-9,]*(\.[0-9]+)?%?")
#: Control characters a worksheet cannot hold (XML 1.0; openpyxl refuses them): dropped from text cells.
_CONTROL_CHARS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise_cell(value: Any) -> Any:
    r"""A text cell that would start a formula, prefixed with ``'`` (shown as text); anything else unchanged.

    Only text is touched: numbers (negative ones too) stay numbers. Text that is nothing but a signed
    number ('-5', '+26', '+12.3%', '-1,100') is left as it is: it can call no function and name no
    cell, and change columns must stay readable. Anything else after a sign is prefixed ('-2+3',
    '+cmd|...'). The formatted figures in our tables use the true minus sign (−), not a formula start.
    A carriage return inside text becomes a line feed: Python's csv writer leaves a lone CR unquoted
    and a spreadsheet would start a new row there, whose first cell could be a formula. Control
    characters a worksheet cannot hold (``\x00``-``\x1f`` but tab, LF, CR) are dropped first, so
    ``"\x01=1"`` is prefixed too and the Excel download does not fail on them.

    >>> [neutralise_cell(v) for v in ("=1+1", "@SUM(A1)", "-2+3", "-5", "+0.1%", "Burglary", -5, None)]
    ["'=1+1", "'@SUM(A1)", "'-2+3", '-5', '+0.1%', 'Burglary', -5, None]
    >>> neutralise_cell("x\r=1+1")
    'x\n=1+1'
    """
    if not isinstance(value, str):
        return value
    text = _CONTROL_CHARS.sub("", value)
    if text.startswith(FORMULA_STARTS) and not _SIGNED_NUMBER.fullmatch(text):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def safe_text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for a CSV or Excel download: every text cell and text column name through
    :func:`neutralise_cell`; numeric columns keep their dtype and values."""
    frame = df.copy()
    for col in frame.columns:
        if not (pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_datetime64_any_dtype(frame[col])):
            frame[col] = pd.Series([neutralise_cell(v) for v in frame[col]], index=frame.index, dtype=object)
    if not isinstance(frame.columns, pd.MultiIndex):
        frame.columns = pd.Index([neutralise_cell(c) for c in frame.columns])
    return frame
