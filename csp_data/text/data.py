"""Every sentence and caption the Data page writes (no Streamlit)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from csp_data.periods import fmt_month

POLICEUK_LOCATIONS = (
    "police.uk locations are anonymised: each crime is snapped to the nearest of a fixed set of map points, "
    "so many crimes share coordinates."
)
UPLOAD_INTRO = (
    "Upload a police.uk street CSV, a force extract, a boundary file or a population table to see what "
    "would be accepted and rejected. The data already loaded is not changed."
)
UPLOAD_ADMIN_ONLY = "Checking, importing and deleting files needs the admin role."
OWN_DATA = (
    "Write a `csp.toml` (or point the `CSP_CONFIG` environment variable at one) naming your incident "
    "files, boundaries, populations, partnership and peer groups, then restart the app. The README's "
    "*Your own data* section has a worked example for the Hertfordshire police.uk files."
)


def span(first: pd.Timestamp | None, latest: pd.Timestamp | None) -> str:
    """'Jan 2021 to Oct 2026', or 'no months' when nothing is loaded."""
    return f"{fmt_month(first)} to {fmt_month(latest)}" if first is not None and latest is not None else "no months"


def headline(
    name: str, *, incidents: int, partnership: str | None, span: str, months: int, accepted: int, rejected: int,
    incident_files: int, files: int,
) -> str:
    """The Data page's headline: what is loaded and what was accepted and rejected on the way in."""
    return (
        f"{name}: {incidents:,} incidents for **{partnership or 'all partnerships'}**, "
        f"{span} ({months} months). {accepted:,} incident rows accepted and {rejected:,} rejected "
        f"across {incident_files} incident file(s); {files} file(s) read in all."
    )


def missing_month_labels(
    first: pd.Timestamp | None, latest: pd.Timestamp | None, months: Sequence[pd.Timestamp]
) -> list[str]:
    """The months from ``first`` to ``latest`` that have no incidents at all ('Mar 2021'), in order."""
    if first is None or latest is None:
        return []
    have = set(months)
    return [fmt_month(m) for m in pd.date_range(first, latest, freq="MS") if m not in have]


def missing_months_warning(labels: Sequence[str]) -> str:
    """The warning naming the months without any incident."""
    return (f"No incidents at all in {len(labels)} month(s): {', '.join(labels)}. "
            "These months are treated as missing, never as zero.")


def located_caption(located: int, total: int) -> str:
    """How many incidents have a location, and what police.uk locations are."""
    return f"{located:,} of {total:,} incidents have a location. {POLICEUK_LOCATIONS}"


def usable_message(label: str) -> str:
    """Said when an uploaded file would load."""
    return f"{label} is usable: name it in your csp.toml to load it."


#: The licence lines every figure, map image and briefing pack carries (as the Methods page shows them).
LICENCE = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right (where ONS boundaries are loaded)."
)


def attribution(source: str) -> str:
    """The dataset's source line followed by the licence lines (once, when the source already has them).

    >>> attribution("Demo borough.").startswith("Demo borough. Contains public sector")
    True
    """
    if LICENCE.split(". ")[0] in source:
        return f"{source.rstrip()} {LICENCE.split('. ', 1)[1]}"
    return f"{source.rstrip()} {LICENCE}".strip()
