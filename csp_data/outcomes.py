"""The outcome mix: how the period's crimes stand, per crime group, against the county.

A crime's outcome is its latest in the police.uk outcomes files (csp_data.io.policeuk_outcomes,
joined by Crime ID); a crime no outcomes file mentions keeps its street file's "Last outcome
category"; a crime with neither is "No outcome recorded". ASB rows have no Crime ID and no outcome:
they are not in the mix. Categories are grouped into the classes of
``csp_data/config/outcome_classes.toml`` (the one mapping); a category it does not list is counted as
:data:`OTHER` and named by :func:`unmapped`.

Outcomes lag: a crime recorded last month is usually still "Under investigation", so the mix of a
recent period looks worse than it will once its outcomes are published (:func:`lag_note` says by how
much for the period shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

from csp_data.format import fmt_count, fmt_number, na
from csp_data.groups import ALL_CRIME, CrimeGroups
from csp_data.io.comparator_tables import load_peer_groups
from csp_data.io.dataset import DatasetConfig
from csp_data.io.policeuk import load_policeuk
from csp_data.io.policeuk_outcomes import latest_outcomes, load_outcomes
from csp_data.io.store import crimes_with_ids
from csp_data.io.toml import read_toml
from csp_data.model import LoadReport
from csp_data.periods import Period, fmt_month

DEFAULT_CLASSES: Final = Path(__file__).parent / "config" / "outcome_classes.toml"
OTHER: Final = "Other outcome"
NONE_RECORDED: Final = "No outcome recorded"
UNDER_INVESTIGATION: Final = "Under investigation"
#: The columns of :func:`outcome_mix` (pinned by tests).
MIX_COLUMNS: Final = ("crime_group", "outcome_class", "crimes", "share")
LAG_CAVEAT: Final = (
    "Outcomes lag: police.uk publishes an outcome months after the crime, so recent months are still "
    "mostly \u201cunder investigation\u201d and their mix will change."
)


def load_outcome_classes(path: str | Path = DEFAULT_CLASSES) -> dict[str, list[str]]:
    """Class -> police.uk categories, in the file's order.

    Raises
    ------
    ValueError
        Naming the file when ``[classes]`` is missing, a class is not a list of names, or a category is
        in two classes.
    """
    raw = read_toml(path, what="outcome classes file")
    classes = raw.get("classes")
    if not isinstance(classes, dict) or not classes:
        raise ValueError(f"{path}: expected a [classes] table of class = [\"police.uk category\", ...]")
    seen: dict[str, str] = {}
    for name, cats in classes.items():
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
            raise ValueError(f"{path}: [classes] {name!r}: expected a list of police.uk categories in quotes")
        for c in cats:
            if c in seen:
                raise ValueError(f"{path}: category {c!r} is in two classes, {seen[c]!r} and {name!r}")
            seen[c] = name
    return {str(k): list(v) for k, v in classes.items()}


def class_order(classes: dict[str, list[str]]) -> list[str]:
    """The classes in table order: the configured ones, then :data:`OTHER` and :data:`NONE_RECORDED`."""
    return [*classes, OTHER, NONE_RECORDED]


def crime_outcomes(crimes: pd.DataFrame, latest: pd.DataFrame, classes: dict[str, list[str]]) -> pd.DataFrame:
    """The crimes (incident rows with a Crime ID) with ``outcome_type``, ``outcome_from`` ("outcomes
    file", "street file" or "none") and ``outcome_class``.

    Parameters
    ----------
    crimes
        Canonical incidents (``crime_id, month, crime_group, partnership, outcome``).
    latest
        :func:`csp_data.io.policeuk_outcomes.latest_outcomes` (one row per Crime ID).
    classes
        :func:`load_outcome_classes`.
    """
    with_id = crimes.loc[crimes["crime_id"].notna(), ["crime_id", "month", "crime_group", "partnership", "outcome"]]
    by_id = latest.set_index("crime_id")["outcome_type"]
    from_file = with_id["crime_id"].map(by_id).astype("string")
    street = with_id["outcome"].astype("string").str.strip().replace("", pd.NA)
    outcome = from_file.fillna(street)
    source = pd.Series("none", index=with_id.index, dtype="string")
    source[street.notna()] = "street file"
    source[from_file.notna()] = "outcomes file"
    lookup = {c: name for name, cats in classes.items() for c in cats}
    cls = outcome.map(lambda v: NONE_RECORDED if pd.isna(v) else lookup.get(str(v), OTHER)).astype("string")
    return with_id.drop(columns="outcome").assign(outcome_type=outcome, outcome_from=source, outcome_class=cls)


def outcome_mix(outcomes: pd.DataFrame, period: Period, classes: dict[str, list[str]]) -> pd.DataFrame:
    """Crimes and share (% of the group's crimes) per crime group and outcome class, for the crimes
    recorded in ``period`` (:data:`MIX_COLUMNS`); first the :data:`~csp_data.groups.ALL_CRIME` rows,
    then each group. Every class of every group is listed (0 crimes included); the share is NaN for a
    group with no crimes."""
    months = outcomes["month"]
    chosen = outcomes[(months >= period.start) & (months <= period.end)]
    order = class_order(classes)
    groups = [ALL_CRIME, *sorted(chosen["crime_group"].dropna().unique().tolist())]
    rows = []
    for group in groups:
        part = chosen if group == ALL_CRIME else chosen[chosen["crime_group"] == group]
        counts = part["outcome_class"].value_counts().reindex(order, fill_value=0)
        total = int(counts.sum())
        for cls, n in counts.items():
            rows.append((group, cls, int(n), 100.0 * n / total if total else float("nan")))
    return pd.DataFrame(rows, columns=list(MIX_COLUMNS))


def share_text(value: float) -> str:
    """A share as '45.2%'; n/a with a reason for a group with no crimes."""
    return na("no crimes") if pd.isna(value) else f"{fmt_number(value, 1)}%"


def mix_table(local: pd.DataFrame, county: pd.DataFrame | None, *, local_label: str, county_label: str,
              no_county: str = "") -> pd.DataFrame:
    """The display table: crime group, outcome, the local crimes and share, the county share.

    Classes with no crime locally and in the county are left out. Without ``county`` the county column
    is n/a with ``no_county`` as the reason.
    """
    merged = local.merge(county, on=["crime_group", "outcome_class"], how="left", suffixes=("", "_county")) \
        if county is not None else local.assign(crimes_county=float("nan"), share_county=float("nan"))
    shown = merged[(merged["crimes"] > 0) | (merged["crimes_county"].fillna(0) > 0)]
    return pd.DataFrame({
        "Crime group": shown["crime_group"],
        "Outcome": shown["outcome_class"],
        f"{local_label} crimes": [fmt_count(v) for v in shown["crimes"]],
        f"{local_label} %": [share_text(v) for v in shown["share"]],
        f"{county_label} %": [share_text(v) if county is not None else na(no_county) for v in shown["share_county"]],
    }).reset_index(drop=True)


def unmapped(outcomes: pd.DataFrame, classes: dict[str, list[str]]) -> list[str]:
    """The outcome categories found that the classes file does not list (counted as :data:`OTHER`)."""
    listed = {c for cats in classes.values() for c in cats}
    found = outcomes["outcome_type"].dropna().unique().tolist()
    return sorted(str(v) for v in found if str(v) not in listed)


def lag_note(outcomes: pd.DataFrame, period: Period, latest_outcome_month: pd.Timestamp | None) -> str:
    """The lag in words for ``period``: the share still under investigation (or with no outcome) among
    crimes of the period's last three months against its first three.

    >>> o = pd.DataFrame({"month": pd.to_datetime(["2021-01-01"] * 2 + ["2021-12-01"] * 2),
    ...     "outcome_class": ["No suspect identified", "Under investigation"] + ["Under investigation"] * 2})
    >>> lag_note(o, Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01")), pd.Timestamp("2022-01-01")).split("Jan 2022. ")[1]
    '100.0% of the crimes recorded Oct 2021 to Dec 2021 are under investigation or have no outcome yet, against 50.0% of those recorded Jan 2021 to Mar 2021.'
    """
    months = period.months
    if len(months) < 2:
        return LAG_CAVEAT
    n = min(3, len(months) // 2)
    first, last = months[:n], months[-n:]

    def open_share(window: pd.DatetimeIndex) -> float:
        part = outcomes[outcomes["month"].isin(window)]
        if part.empty:
            return float("nan")
        return 100.0 * part["outcome_class"].isin([UNDER_INVESTIGATION, NONE_RECORDED]).sum() / len(part)

    late, early = open_share(last), open_share(first)
    text = LAG_CAVEAT
    if latest_outcome_month is not None:
        text += f" The latest outcomes loaded are for {fmt_month(latest_outcome_month)}."
    if pd.notna(late) and pd.notna(early):
        text += (
            f" {share_text(late)} of the crimes recorded {fmt_month(last[0])} to {fmt_month(last[-1])} are under "
            f"investigation or have no outcome yet, against {share_text(early)} of those recorded "
            f"{fmt_month(first[0])} to {fmt_month(first[-1])}."
        )
    return text


# ------------------------------------------------------------------ the dataset's outcomes


@dataclass(frozen=True)
class OutcomeData:
    """The crimes of every loaded area with their outcomes (:func:`crime_outcomes`), the latest
    outcome month, and the outcomes files' load report; or only ``missing`` (why there are none)."""

    crimes: pd.DataFrame | None = None
    latest_month: pd.Timestamp | None = None
    report: LoadReport | None = None
    missing: str = ""


def outcome_data(config: DatasetConfig, groups: CrimeGroups, classes: dict[str, list[str]]) -> OutcomeData:
    """The outcomes of the dataset ``config`` describes: its police.uk outcomes files, joined by Crime
    ID to the street rows of *every* loaded area (the county comparison needs them all, not only the
    partnership's). ``missing`` says why there are none: not police.uk, a library dataset (its import
    keeps the street files only), or no outcomes file among the paths."""
    if config.incident_format != "policeuk":
        return OutcomeData(missing="force extracts have no police.uk outcomes files")
    if config.stored is not None:
        return stored_outcome_data(config, classes)
    if config.store == "parquet":
        return OutcomeData(missing="a parquet store keeps the street files only; load the archive folder without "
                                   "`store = \"parquet\"`, or import it to the dataset library with its outcomes files")
    outcomes, report = load_outcomes(config.incident_paths, limits=config.limits)
    if not report.files:
        return OutcomeData(missing="no -outcomes.csv files among the dataset's police.uk files", report=report)
    incidents, _ = load_policeuk(config.incident_paths, groups, limits=config.limits)
    latest = latest_outcomes(outcomes)
    month = outcomes["outcome_month"].max()
    return OutcomeData(
        crimes=crime_outcomes(incidents, latest, classes), latest_month=None if pd.isna(month) else pd.Timestamp(month),
        report=report,
    )


def stored_outcome_data(config: DatasetConfig, classes: dict[str, list[str]]) -> OutcomeData:
    """The outcomes of a library dataset: its ``outcomes`` layer (kept at import) joined by Crime ID to its
    stored street rows; of the county group and the partnership when the config names a county (else of
    every stored partnership)."""
    assert config.stored is not None
    if config.stored_outcomes is None:
        return OutcomeData(missing="this library dataset was imported without -outcomes.csv files: import the "
                                   "archive (or its outcomes files) again to add them")
    latest = pd.read_parquet(config.stored_outcomes)
    groups_of = config.peer_groups
    if config.peer_groups_file is not None:
        groups_of = load_peer_groups(config.peer_groups_file, partnership=config.partnership)
    county = groups_of.get("county") or []
    members = [*county, config.partnership] if county and config.partnership else None
    crimes = crimes_with_ids(config.stored.files, members)
    month = latest["outcome_month"].max()
    return OutcomeData(crimes=crime_outcomes(crimes, latest, classes),
                       latest_month=None if pd.isna(month) else pd.Timestamp(month))


def county_scope(peer_groups: dict[str, list[str]]) -> tuple[list[str] | None, str]:
    """The county comparison's partnerships and label: the ``county`` peer group when there is one, else
    every loaded area (None) labelled "all loaded areas"."""
    county = peer_groups.get("county")
    return (list(county), "County") if county else (None, "All loaded areas")


def outcome_view(data: OutcomeData, partnership: str | None, peer_groups: dict[str, list[str]], period: Period,
                 classes: dict[str, list[str]]) -> tuple[pd.DataFrame, str]:
    """The outcome mix table for ``period`` (the partnership against the county or all loaded areas) and
    the lag note. ``data.crimes`` must be present."""
    assert data.crimes is not None
    crimes = data.crimes
    local = crimes if partnership is None else crimes[crimes["partnership"] == partnership]
    members, label = county_scope(peer_groups)
    county = crimes if members is None else crimes[crimes["partnership"].isin(members)]
    table = mix_table(outcome_mix(local, period, classes), outcome_mix(county, period, classes),
                      local_label=partnership or "Loaded areas", county_label=label)
    return table, lag_note(local, period, data.latest_month)
