"""Partner-safe mode: the one rule for suppressing small counts (issue #12, docs/partner-safe.md).

A count from 1 to ``threshold`` − 1 is shown as ``"<5"`` (:func:`csp_data.format.suppressed`); zero is
not disclosive and stays 0. A rate, percentage, change, significance or rank computed from a suppressed
count is suppressed too. Every table, chart, map tooltip, sentence, export and CLI output in the mode
goes through these functions:

* :func:`suppress_table` for a table (counts named or inferred, derived cells per row);
* :func:`suppress_text` for a generated sentence;
* :func:`suppress_chart_data` for a chart's data (suppressed points are gaps);
* :func:`suppress_report` for the Word / Markdown / Excel assessment;
* :func:`statement` for the line every screen and export carries.

Tables passed here may hold numbers or the text of :mod:`csp_data.format` ('1,234'); both are read.
With ``label=None`` a suppressed cell becomes missing (NaN) instead of "<5": chart data, where a
suppressed point is a gap in the line and a blank tooltip.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

import pandas as pd

from csp_data.format import NA, is_number, suppressed

#: The threshold when the config has no ``[disclosure] threshold``.
DEFAULT_THRESHOLD: Final = 5

#: A count written by csp_data.format.fmt_count ('8,686') or plainly ('4').
_COUNT_TEXT: Final = re.compile(r"[0-9]{1,3}(,[0-9]{3})*|[0-9]+")
#: Column names (casefolded, underscores as spaces) whose cells are derived from the row's counts: rates,
#: percentages, changes, significance, ranks, densities, shares.
DERIVED_WORDS: Final = (
    "rate", "pct", "%", "change", "signific", "density", "share", "rank", "per 1,000", "per km",
    "z", "p", "test", "band", "average", "difference", "ratio", "pai", "statistic",
)
#: Words that make a column a count whatever else its name says ('Previous 12 months', 'incidents').
COUNT_WORDS: Final = ("count", "incidents", "crimes", "offences", "previous", "current", "volume", "total")
#: Numeric columns that are never counts of incidents: positions, codes, coordinates, denominators,
#: scores and sizes of groups.
NOT_COUNT_WORDS: Final = (
    "year", "month", "quarter", "hour", "day", "cell", "x", "y", "lon", "lat", "easting", "northing",
    "population", "households", "likelihood", "impact", "score", "size", "weight", "k", "threshold",
    "n units", "n top", "row", "rows", "accepted", "rejected", "files", "bytes", "decile", "class",
    "code", "id", "months",
)


def statement(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The line that says the mode is on, on screen and in every export.

    >>> statement(5), statement(3)
    ('partner-safe: counts under 5 suppressed', 'partner-safe: counts under 3 suppressed')
    """
    return f"partner-safe: counts under {threshold} suppressed"


def check_threshold(value: Any, *, where: str = "[disclosure] threshold") -> int:
    """A valid threshold (a whole number, at least 1; 1 suppresses nothing).

    Raises
    ------
    ValueError
        Naming ``where``, what was expected and what arrived.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: expected a whole number of at least 1, got {value!r}")
    return value


def threshold_from(raw: Mapping[str, Any] | None) -> int:
    """The threshold of a parsed csp.toml (``[disclosure] threshold``), else :data:`DEFAULT_THRESHOLD`.

    >>> threshold_from({}), threshold_from({"disclosure": {"threshold": 10}})
    (5, 10)
    """
    table = (raw or {}).get("disclosure") or {}
    if not isinstance(table, Mapping):
        raise ValueError(f"[disclosure]: expected a table, got {table!r}")
    return check_threshold(table.get("threshold", DEFAULT_THRESHOLD))


def count_value(value: Any) -> float | None:
    """The count a cell holds (a number, or count text such as '1,234'); None when it holds none.

    >>> count_value(4), count_value("1,234"), count_value("<5"), count_value(float("nan"))
    (4, 1234, None, None)
    """
    if is_number(value):
        return value  # type: ignore[no-any-return]
    if hasattr(value, "item") and not isinstance(value, str):
        return count_value(value.item())
    if isinstance(value, str) and _COUNT_TEXT.fullmatch(value.strip()):
        return int(value.strip().replace(",", ""))
    return None


def is_small(value: Any, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True for a count from 1 to ``threshold`` − 1 (zero and missing are not small).

    >>> [is_small(v) for v in (0, 1, 4, 5, "3", "1,000", None, 4.0)]
    [False, True, True, False, True, False, False, True]
    """
    n = count_value(value)
    return n is not None and 1 <= n < threshold


def suppress_count(value: Any, threshold: int = DEFAULT_THRESHOLD) -> Any:
    """``value``, or the "<threshold" label when it is a small count.

    >>> suppress_count(4), suppress_count(5), suppress_count(0), suppress_count(2, 3)
    ('<5', 5, 0, '<3')
    """
    return suppressed(threshold) if is_small(value, threshold) else value


def _words(name: Any) -> str:
    return str(name).casefold().replace("_", " ").strip()


def _has_word(name: Any, words: Iterable[str]) -> bool:
    text = _words(name)
    tokens = set(re.split(r"[\s()/,.:;-]+", text))
    return any((w in tokens) if w.isalpha() and len(w) <= 2 else (w in text) for w in words)


def is_derived_column(name: Any) -> bool:
    """A column computed from the row's counts (rate, % change, significance, rank...).

    >>> [is_derived_column(c) for c in ("rate", "pct_change", "Significant?", "msg_rank", "count", "x")]
    [True, True, True, True, False, False]
    """
    return _has_word(name, DERIVED_WORDS)


def count_columns(df: pd.DataFrame) -> list[str]:
    """The columns of ``df`` taken as counts when none are named: every column whose values are all
    whole numbers (or count text, or missing), not derived (:func:`is_derived_column`) and not a known
    non-count (:data:`NOT_COUNT_WORDS`: years, coordinates, scores, populations...) unless its name
    says count (:data:`COUNT_WORDS`: 'Previous 12 months' is a count). Erring towards counts is the
    safe side: a whole-number column of unknown meaning is suppressed.

    >>> count_columns(pd.DataFrame({"Previous 12 months": [3], "months_expected": [12], "year": [2024]}))
    ['Previous 12 months']
    """
    out = []
    for col in df.columns:
        if is_derived_column(col) or (_has_word(col, NOT_COUNT_WORDS) and not _has_word(col, COUNT_WORDS)):
            continue
        # "n/a" and "n/a: reason" cells say a count is missing: they do not make a count column text
        values = [v for v in df[col].tolist() if not _missing(v) and not (isinstance(v, str) and v.startswith(NA))]
        if not values:
            continue
        parsed = [count_value(v) for v in values]
        if all(n is not None and float(n).is_integer() for n in parsed):
            out.append(col)
    return out


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def suppress_table(
    df: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    counts: Sequence[str] | None = None,
    derived: Mapping[str, Sequence[str]] | None = None,
    label: str | None = "",
) -> pd.DataFrame:
    """A copy of ``df`` with every small count suppressed, and the cells computed from one.

    Parameters
    ----------
    df
        A table of numbers or formatted text (not changed).
    threshold
        Counts from 1 to ``threshold`` − 1 are suppressed.
    counts
        The count columns; default :func:`count_columns` (inferred from names and values).
    derived
        Derived column -> the count columns it is computed from; a derived cell is suppressed when any
        of its counts in the same row is small. Default: every column named like a rate, %, change,
        significance or rank (:func:`is_derived_column`) depends on every count column of the row.
    label
        What a suppressed cell shows: ``""`` (default) the "<threshold" label; ``None`` a missing value
        (chart and map data: a gap, a blank tooltip).

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["A", "B", "C"], "count": [4, 0, 12], "rate": [0.4, 0.0, 1.2]})
    >>> suppress_table(t).to_dict("list")
    {'area': ['A', 'B', 'C'], 'count': ['<5', 0, 12], 'rate': ['<5', 0.0, 1.2]}
    """
    check_threshold(threshold, where="threshold")
    shown: Any = suppressed(threshold) if label == "" else (math.nan if label is None else label)
    cols = list(counts) if counts is not None else count_columns(df)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"counts: columns {missing} are not in the table; it has {list(df.columns)}")
    if derived is None:
        derived = {c: cols for c in df.columns if c not in cols and is_derived_column(c)}
    small = pd.DataFrame({c: [is_small(v, threshold) for v in df[c].tolist()] for c in cols}, index=df.index)
    out = df.copy()
    for c in cols:
        if small[c].any():
            out[c] = out[c].astype(object).where(~small[c], shown)
    for c in out.columns:
        if _words(c) in TEXT_COLUMNS and c not in cols:
            out[c] = [suppress_text(v, threshold) if isinstance(v, str) else v for v in out[c].tolist()]
    for c, sources in derived.items():
        if c not in out.columns:
            continue
        hit = small[[s for s in sources if s in small.columns]].any(axis=1) if len(sources) else None
        if hit is not None and hit.any():
            out[c] = out[c].astype(object).where(~hit, shown)
    return out


#: Text columns whose cells are generated sentences (the priority table's reasons, notes).
TEXT_COLUMNS: Final = ("note", "notes", "reason", "summary")
#: An integer standing alone in a sentence: not part of a decimal, a larger number, a date, an ordinal
#: ('1st'), a code ('Q1', 'E01'), a percentage or a signed change.
_LONE_INTEGER: Final = re.compile(r"(?<![\w.,/+\-−£$<>])([0-9]+)(?![\w%]|[.,][0-9]|/)")


#: A change or percentage in a sentence: '+5', '−3', '12.5%', 'up 5', 'down 3', '5 more', '3 fewer'.
_CHANGE: Final = re.compile(
    r"[+−-][0-9][0-9,]*(\.[0-9]+)?%?|(?<![\w.])[0-9][0-9,]*(\.[0-9]+)?%|(?<=\bup )[0-9][0-9,]*|(?<=\bdown )[0-9][0-9,]*"
)
#: What a change or percentage in a sentence with a suppressed count shows ("<5" would read as a value).
DERIVED_LABEL: Final = "suppressed"
#: Where a sentence ends (the scope of "derived from a suppressed count" in text).
_SENTENCE_END: Final = re.compile(r"(?<=[.!?\n])\s+")


def suppress_chart_data(
    df: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, counts: Sequence[str] | None = None
) -> pd.DataFrame:
    """Chart data in partner-safe mode: small counts (and what is computed from them) missing, so a
    line has a gap and a tooltip no value (:func:`suppress_table` with ``label=None``); a ``note``
    column says why a point is missing.

    >>> suppress_chart_data(pd.DataFrame({"count": [3, 9], "note": ["", ""]}), counts=["count"])["note"].tolist()
    ['fewer than 5, suppressed (partner-safe)', '']
    """
    out = suppress_table(df, threshold, counts=counts, label=None)
    if "note" in out.columns and "count" in out.columns:
        hidden = out["count"].isna() & df["count"].notna()
        out.loc[hidden, "note"] = f"fewer than {threshold}, suppressed (partner-safe)"
    return out


def suppress_text(text: str, threshold: int = DEFAULT_THRESHOLD) -> str:
    """``text`` with every whole number from 1 to ``threshold`` − 1 standing alone shown as "<5"; in a
    sentence that had one, its changes and percentages show as "suppressed" (they are computed from it:
    "up 5 from 4").

    A generated sentence cannot say which of its numbers are counts, so every lone small integer is
    suppressed ("3 areas" too: the safe side); ordinals, decimals, codes and dates are left alone, and
    percentages and signed changes are left in a sentence without a small count.

    >>> suppress_text("There were 9 burglaries, up 5 (+125.0%) from 4. Ward 7 had 12 (1st; +3; 2.5%; Q1 2024).")
    'There were 9 burglaries, up suppressed (suppressed) from <5. Ward 7 had 12 (1st; +3; 2.5%; Q1 2024).'
    """
    label = suppressed(threshold)
    out = []
    for part in _SENTENCE_END.split(text):
        hit = False

        def lone(m: re.Match[str]) -> str:
            nonlocal hit
            if 1 <= int(m.group(1)) < threshold:
                hit = True
                return label
            return m.group(1)

        done = _LONE_INTEGER.sub(lone, part)
        out.append(_CHANGE.sub(DERIVED_LABEL, done) if hit else done)
    seps = _SENTENCE_END.findall(text)
    return "".join(p + (seps[i] if i < len(seps) else "") for i, p in enumerate(out))


def drop_small_rows(
    df: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, *, counts: Sequence[str], always: Any = None
) -> pd.DataFrame:
    """``df`` without the rows where any of ``counts`` is small (rows where the boolean series ``always``
    is True are kept: a sentence needs them, and :func:`suppress_text` covers their numbers): the input
    of a sentence that names rows by their change ("Significant increases: Drugs (+5)"), which would
    otherwise give away a suppressed count next to the table's other one.

    >>> drop_small_rows(pd.DataFrame({"g": ["a", "b"], "previous": [4, 10], "current": [9, 0]}),
    ...                 counts=["previous", "current"])["g"].tolist()
    ['b']
    """
    keep = pd.Series(
        [not any(is_small(v, threshold) for v in row) for row in df[list(counts)].itertuples(index=False)],
        index=df.index,
    )
    if always is not None:
        keep |= pd.Series(always, index=df.index).astype(bool)
    return df.loc[keep]


def drop_locations(contexts: Mapping[str, Any]) -> dict[str, Any]:
    """The priorities' local contexts (csp_data.risk.LocalContext) without their repeat locations: in
    partner-safe mode no location is named, and the "most frequent locations" sentence is not written."""
    return {k: replace(c, locations=c.locations.iloc[0:0]) for k, c in contexts.items()}


def suppress_report(report: Any, threshold: int = DEFAULT_THRESHOLD) -> Any:
    """A copy of the generated assessment (csp_data.text.priorities.Report) for partner-safe exports:
    every paragraph through :func:`suppress_text`, every table through :func:`suppress_table`, and
    :func:`statement` in the subtitle and the caveats."""
    sections = [
        replace(
            s,
            paragraphs=[suppress_text(p, threshold) for p in s.paragraphs],
            tables=[(caption, suppress_table(t, threshold)) for caption, t in s.tables],
        )
        for s in report.sections
    ]
    return replace(
        report,
        subtitle=f"{report.subtitle} · {statement(threshold)}",
        summary=[suppress_text(p, threshold) for p in report.summary],
        sections=sections,
        tables={name: suppress_table(t, threshold) for name, t in report.tables.items()},
        caveats=[statement(threshold), *report.caveats],
    )


def suppress_tips(
    tips: Sequence[str], frame: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, *, counts: Sequence[str] = ("count",)
) -> list[str]:
    """Map tooltips, one per row of ``frame``: a row with a small count keeps only its first line (the
    place) and says its figures are suppressed (its rate, change and rank are computed from the count);
    the other tooltips go through :func:`suppress_text`.

    >>> suppress_tips(["Ward A\\nCount: 3\\nRate: 0.30", "Ward B\\nCount: 9"], pd.DataFrame({"count": [3, 9]}))
    ['Ward A\\nFewer than 5 incidents: figures suppressed (partner-safe)', 'Ward B\\nCount: 9']
    """
    cols = [c for c in counts if c in frame.columns]
    small = [any(is_small(v, threshold) for v in row) for row in frame[cols].itertuples(index=False)]
    if len(small) != len(tips):
        raise ValueError(f"tips: expected one per row of the frame ({len(small)}), got {len(tips)}")
    note = f"Fewer than {threshold} incidents: figures suppressed (partner-safe)"
    return [
        f"{tip.splitlines()[0] if tip else ''}\n{note}" if hit else suppress_text(tip, threshold)
        for tip, hit in zip(tips, small, strict=True)
    ]
