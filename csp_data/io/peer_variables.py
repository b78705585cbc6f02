"""The peer-variables table: one row per Community Safety Partnership with the variables of the MSG
suggestion (csp_data.comparators.similar).

Sources, all public, declared in csp.toml ``[peers]`` (docs/peers.md):

* ``ons``: the ONS "police force area tables" workbook. Its rates table (C4) lists every CSP of England
  and Wales with its code, force, local authority, population (mid-2022) and households (mid-2021);
  table C1 lists the local authorities of the CSPs that combine several.
* ``tenure``: the Census 2011 tenure table by local authority (QS405EW): all households, owned outright,
  social rented, private rented. A CSP is matched to it by its own name, else by its local authorities'
  codes, else by their names (codes changed after 2011, e.g. St Albans E07000100 -> E07000240); a CSP of
  several authorities sums them.
* ``variables``: more tables by CSP code or name with any of the variable columns (``imd_score``,
  ``density``, ``pct_aged_16_24``, ...). A later table's value wins over an earlier one's.

Every data row of every file is accepted or rejected with a reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from csp_data.comparators.similar import VARIABLE_KEYS, parse_weights
from csp_data.comparators.tables import name_key, name_keys
from csp_data.io.comparator_tables import load_peer_groups
from csp_data.io.headers import header_key, read_table_at_header
from csp_data.io.library_disk import write_atomic
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.partnership_tables import find_column
from csp_data.model import FileReport, LoadIssue, LoadReport

#: Columns of :func:`load_peer_variables`, before any variable columns.
UNIT_COLUMNS: Final = ["partnership", "code", "force"]
_CODE: Final = r"^[EW]\d{8}$"
#: Examples kept per rejection reason (the counts are complete).
_EXAMPLES: Final = 5


def _reject(fr: FileReport, rows: pd.Index, reason: str, *, column: str | None = None) -> None:
    if not len(rows):
        return
    fr.rejected += len(rows)
    fr.reasons[reason] += len(rows)
    fr.issues.extend(LoadIssue(fr.path, reason, row=int(r), column=column, severity="warning")
                     for r in rows[:_EXAMPLES])


def _numbers(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.replace(",", "", regex=False).str.strip()
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _cased(columns: Sequence[str]) -> list[str]:
    return [c.casefold() for c in columns]


def read_ons_units(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> tuple[pd.DataFrame, FileReport]:
    """Every CSP of the ONS workbook's rates table: partnership, code, force, la_codes, la_names,
    population, households (the force-total and 'Unassigned' rows rejected with their reason)."""
    fr = FileReport(str(path), "ONS CSP populations and households")

    def accept(cells: list[str]) -> bool:
        low = _cased(cells)
        return "community safety partnership name" in low and any(c.startswith("population figures") for c in low)

    body = read_table_at_header(path, fr, accept, limits=limits)
    cols = list(body.columns)
    name_col = find_column(cols, ("community safety partnership name",))
    if name_col is None:
        raise ValueError(f"{path}: no sheet with 'Community Safety Partnership name' and 'Population figures' "
                         "columns; expected the ONS police force area tables workbook (table C4)")
    code_col = find_column(cols, ("community safety partnership code",))
    force_col = find_column(cols, ("police force area name",))
    la_code_col = find_column(cols, ("local authority code",))
    la_name_col = find_column(cols, ("local authority name",))
    pop_col = next(c for c in cols if header_key(c).startswith("population figures"))
    hh_col = next((c for c in cols if header_key(c).startswith("household figures")), None)
    name = body[name_col].astype("string").str.strip()
    code = body[code_col].astype("string").str.strip() if code_col else pd.Series(pd.NA, index=body.index, dtype="string")
    is_code = code.str.match(_CODE).fillna(False).astype(bool)
    blank = body.isna().all(axis=1)
    _reject(fr, body.index[blank], "blank row")
    _reject(fr, body.index[~blank & name.isna()], "police force area total row (not a CSP)", column=name_col)
    _reject(fr, body.index[~blank & name.notna() & ~is_code], "no CSP code ('Unassigned', airports)",
            column=code_col)
    rows = body[is_code & name.notna()]
    population = _numbers(rows[pop_col])
    bad_pop = ~(population > 0)
    _reject(fr, rows.index[bad_pop], "population is not a positive number", column=pop_col)
    rows, population = rows[~bad_pop], population[~bad_pop]
    fr.accepted = len(rows)
    units = pd.DataFrame({
        "partnership": name[rows.index].to_numpy(),
        "code": code[rows.index].to_numpy(),
        "force": rows[force_col].astype("string").str.strip().to_numpy() if force_col else pd.NA,
        "la_code": rows[la_code_col].astype("string").str.strip().to_numpy() if la_code_col else pd.NA,
        "la_name": rows[la_name_col].astype("string").str.strip().to_numpy() if la_name_col else pd.NA,
        "population": population.to_numpy(),
        "households": _numbers(rows[hh_col]).to_numpy() if hh_col else np.nan,
    })
    return units, fr


def read_ons_combined(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> dict[str, list[tuple[str, str]]]:
    """Table C1 of the ONS workbook: the (code, name) of each local authority of a CSP that combines
    several, by the CSP's name key (empty when the workbook has no such table)."""
    fr = FileReport(str(path), "ONS combined local authorities")
    try:
        body = read_table_at_header(path, fr, lambda c: "local authority code" in _cased(c)
                                    and "community safety partnership name" in _cased(c)
                                    and not any(x.startswith("population figures") for x in _cased(c)),
                                    sheet="Table C1", limits=limits)
    except ValueError:
        return {}
    cols = list(body.columns)
    name_col = find_column(cols, ("community safety partnership name",))
    la_code_col = find_column(cols, ("local authority code",))
    la_name_col = find_column(cols, ("local authority name",))
    if not (name_col and la_code_col and la_name_col):
        return {}
    csp = body[name_col].astype("string").ffill()  # the CSP is named on its first authority's row only
    out: dict[str, list[tuple[str, str]]] = {}
    for name, la_code, la_name in zip(csp, body[la_code_col], body[la_name_col], strict=True):
        if pd.notna(name) and pd.notna(la_code):
            out.setdefault(name_key(name), []).append((str(la_code).strip(), str(la_name or "").strip()))
    return out


#: Census 2011 tenure columns (QS405EW, as NOMIS names them) by what they count.
TENURE_COLUMNS: Final[dict[str, str]] = {
    "all": "tenure: all categories: tenure",
    "owned_outright": "tenure: owned: owned outright",
    "social_rented": "tenure: social rented: total",
    "private_rented": "tenure: private rented: total",
}


def read_tenure(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> tuple[pd.DataFrame, FileReport]:
    """Households by tenure per local authority: la_code, la_name and the :data:`TENURE_COLUMNS` counts."""
    fr = FileReport(str(path), "Census 2011 tenure by local authority")
    body = read_table_at_header(path, fr, lambda c: "geography code" in _cased(c), limits=limits)
    cols = list(body.columns)

    def column(prefix: str) -> str:
        for c in cols:
            if header_key(c).startswith(prefix):
                return c
        raise ValueError(f"{path}: no column starting {prefix!r}; expected the Census 2011 tenure table "
                         "QS405EW by local authority")

    code_col = find_column(cols, ("geography code",))
    name_col = find_column(cols, ("geography",))
    assert code_col is not None
    out = pd.DataFrame({"la_code": body[code_col].astype("string").str.strip(),
                        "la_name": body[name_col].astype("string").str.strip() if name_col else pd.NA})
    bad = pd.Series(False, index=body.index)
    for key, prefix in TENURE_COLUMNS.items():
        col = column(prefix)
        out[key] = _numbers(body[col])
        newly = out[key].isna() & ~bad
        _reject(fr, body.index[newly], f"{key.replace('_', ' ')} households is not a number", column=col)
        bad |= out[key].isna()
    zero = ~bad & ~(out["all"] > 0)
    _reject(fr, body.index[zero], "all households is not a positive number", column=column(TENURE_COLUMNS["all"]))
    bad |= zero
    fr.accepted = int((~bad).sum())
    return out[~bad].reset_index(drop=True), fr


def tenure_of_units(units: pd.DataFrame, tenure: pd.DataFrame,
                    combined: dict[str, list[tuple[str, str]]]) -> tuple[pd.DataFrame, list[str]]:
    """pct_owned_outright, pct_social_rented, pct_private_rented per unit (NaN where no authority matched)
    and the names of the units left without tenure.

    A unit is matched by its own name to a 2011 authority, else by the parts of a name 'A and B' (CSPs
    named after the authorities they join), else by its authorities' codes, else by their names; a CSP of
    several authorities (table C1) sums their households.
    """
    by_code = tenure.set_index("la_code")
    by_name = tenure.assign(key=name_keys(tenure["la_name"].astype("string"))).drop_duplicates("key").set_index("key")
    counts = ["all", "owned_outright", "social_rented", "private_rented"]
    rows: list[dict[str, float]] = []
    unmatched: list[str] = []
    for unit in units.itertuples(index=False):
        own = name_key(unit.partnership)
        parts: list[pd.Series] = []
        pieces = [k for k in own.split(" and ") if k]  # 'Daventry and South Northamptonshire'
        if own in by_name.index:
            parts = [by_name.loc[own, counts]]
        elif len(pieces) > 1 and all(k in by_name.index for k in pieces):
            parts = [by_name.loc[k, counts] for k in pieces]
        else:
            members = combined.get(own) or [(str(unit.la_code), str(unit.la_name))]
            for la_code, la_name in members:
                if la_code in by_code.index:
                    parts.append(by_code.loc[la_code, counts])
                elif name_key(la_name) in by_name.index:
                    parts.append(by_name.loc[name_key(la_name), counts])
                else:
                    parts = []
                    break
        if not parts:
            unmatched.append(str(unit.partnership))
            rows.append({k: np.nan for k in ("pct_owned_outright", "pct_social_rented", "pct_private_rented")})
            continue
        total = pd.concat(parts, axis=1).sum(axis=1)
        rows.append({f"pct_{k}": 100.0 * float(total[k]) / float(total["all"]) for k in counts[1:]})
    return pd.DataFrame(rows, index=units.index), unmatched


def read_variables(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> tuple[pd.DataFrame, FileReport]:
    """A table of more variables: ``code`` and/or ``partnership`` (a CSP name) and any of the variable
    columns; a row with neither key, or with a variable that is not a number, is rejected."""
    fr = FileReport(str(path), "peer variables")
    wanted = set(VARIABLE_KEYS)

    def accept(cells: list[str]) -> bool:
        low = set(_cased(cells))
        return bool(low & wanted) and bool(low & {"code", "partnership", "csp name", "community safety partnership name"})

    body = read_table_at_header(path, fr, accept, limits=limits)
    cols = list(body.columns)
    code_col = find_column(cols, ("code", "community safety partnership code", "csp code"))
    name_col = find_column(cols, ("partnership", "community safety partnership name", "csp name", "name"))
    present = [c for c in cols if header_key(c) in wanted]
    if not present or not (code_col or name_col):
        raise ValueError(f"{path}: expected a `code` or `partnership` column and at least one of "
                         f"{', '.join(VARIABLE_KEYS)}; found {cols}")
    out = pd.DataFrame({
        "code": body[code_col].astype("string").str.strip() if code_col else pd.NA,
        "partnership": body[name_col].astype("string").str.strip() if name_col else pd.NA,
    }, index=body.index)
    bad = out["code"].isna() & out["partnership"].isna()
    _reject(fr, body.index[bad], "no code or partnership name", column=code_col or name_col)
    for col in present:
        raw = body[col].astype("string").str.strip()
        values = _numbers(raw)
        wrong = ~bad & raw.notna() & values.isna()
        _reject(fr, body.index[wrong], f"{header_key(col)} is not a number", column=col)
        bad |= wrong
        out[header_key(col)] = values
    fr.accepted = int((~bad).sum())
    return out[~bad].reset_index(drop=True), fr


def add_variables(units: pd.DataFrame, extra: pd.DataFrame, fr: FileReport) -> pd.DataFrame:
    """``units`` with the variable columns of ``extra`` joined by code, else by name; an extra row that
    matches no unit is noted in ``fr`` (it is still counted as read)."""
    out = units.copy()
    code_index = {str(c).upper(): i for i, c in out["code"].items() if pd.notna(c)}
    name_index = {k: i for i, k in name_keys(out["partnership"].astype("string")).items()}
    for row in extra.itertuples(index=False):
        code = getattr(row, "code", pd.NA)
        name = getattr(row, "partnership", pd.NA)
        i = code_index.get(str(code).upper()) if pd.notna(code) else None
        if i is None and pd.notna(name):
            i = name_index.get(name_key(name))
        if i is None:
            fr.notes["rows matching no CSP of the ONS table (ignored)"] += 1
            continue
        for key in extra.columns.drop(["code", "partnership"]):
            value = getattr(row, key)
            if pd.notna(value):
                if key not in out.columns:
                    out[key] = np.nan
                out.at[i, key] = float(value)
    return out


def units_from_variables(extra: pd.DataFrame) -> pd.DataFrame:
    """The units of a variables table alone (no ONS workbook): one per row, named by partnership."""
    named = extra[extra["partnership"].notna()]
    return named.assign(force=pd.NA).reset_index(drop=True)


def load_peer_variables(
    *, ons: Path | None = None, tenure: Path | None = None, variables: Sequence[Path] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[pd.DataFrame, LoadReport]:
    """The peer-variables table: partnership, code, force and every variable the sources give.

    Raises
    ------
    ValueError
        When no source is given, or a file is not the table it is declared as (naming it).
    """
    if ons is None and not variables:
        raise ValueError("no peer-variable tables: set [peers] ons (the ONS CSP workbook) and/or [peers] "
                         "variables in csp.toml (docs/peers.md)")
    report = LoadReport()
    if ons is not None:
        units, fr = read_ons_units(ons, limits=limits)
        report.files.append(fr)
        units["persons_per_household"] = units["population"] / units["households"].where(units["households"] > 0)
        if tenure is not None:
            table, tfr = read_tenure(tenure, limits=limits)
            report.files.append(tfr)
            pct, unmatched = tenure_of_units(units, table, read_ons_combined(ons, limits=limits))
            units = pd.concat([units, pct], axis=1)
            if unmatched:
                report.notes.append(f"{len(unmatched)} CSP(s) have no Census 2011 tenure (no authority matched): "
                                    + ", ".join(unmatched[:10]) + (" ..." if len(unmatched) > 10 else ""))
        units = units.drop(columns=["la_code", "la_name", "households"])
    else:
        units = pd.DataFrame(columns=UNIT_COLUMNS)
    for path in variables:
        extra, fr = read_variables(path, limits=limits)
        report.files.append(fr)
        units = add_variables(units, extra, fr) if len(units) else units_from_variables(extra)
    keep = UNIT_COLUMNS + [k for k in VARIABLE_KEYS if k in units.columns]
    return units[keep].reset_index(drop=True), report


# --- [peers] in csp.toml -----------------------------------------------------------------------------

#: Keys of ``[peers]`` (csp_data.io.dataset.CONFIG_KEYS checks them).
PEERS_KEYS: Final[dict[str, str]] = {
    "ons": "string", "tenure": "string", "variables": "strings", "weights": "table", "adopted": "string",
}
#: The file an adopted suggestion is written to, beside the config, unless ``[peers] adopted`` names one.
ADOPTED_FILE: Final = "adopted_msg.toml"


@dataclass(frozen=True)
class PeerSources:
    """The ``[peers]`` table: where the peer variables come from, their weights, and the file an adopted
    suggestion is saved to (its ``msg`` then replaces the config's ``[peer_groups] msg``)."""

    ons: Path | None = None
    tenure: Path | None = None
    variables: tuple[Path, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)
    adopted: Path | None = None

    @property
    def configured(self) -> bool:
        return self.ons is not None or bool(self.variables)


def peer_sources(section: Mapping[str, Any] | None, *, resolve: Callable[[str, str], Path | None],
                 base: Path | None, where: str) -> PeerSources:
    """``[peers]`` of a parsed csp.toml; ``resolve(value, where)`` makes a config path (the config's own
    rules: relative to its folder, system paths refused). Weights are checked here."""
    section = section or {}
    variables = section.get("variables") or ()
    if isinstance(variables, str):
        variables = (variables,)
    adopted = section.get("adopted")
    adopted_path = (resolve(str(adopted), f"{where}: [peers] adopted") if adopted
                    else base / ADOPTED_FILE if base is not None else None)
    try:
        weights = parse_weights(section["weights"]) if "weights" in section else {}
    except ValueError as exc:
        raise ValueError(f"{where}: [peers] {exc}") from None
    return PeerSources(
        ons=resolve(section["ons"], f"{where}: [peers] ons") if section.get("ons") else None,
        tenure=resolve(section["tenure"], f"{where}: [peers] tenure") if section.get("tenure") else None,
        variables=tuple(p for v in variables if (p := resolve(str(v), f"{where}: [peers] variables")) is not None),
        weights=weights,
        adopted=adopted_path,
    )


def peer_table(sources: PeerSources, *, limits: Limits = DEFAULT_LIMITS) -> tuple[pd.DataFrame, LoadReport]:
    """:func:`load_peer_variables` over the configured sources."""
    return load_peer_variables(ons=sources.ons, tenure=sources.tenure, variables=sources.variables, limits=limits)


def adopted_toml(members: Sequence[str], *, partnership: str, note: str) -> str:
    """The adopted-MSG file: a ``[peer_groups]`` table with ``msg`` (TOML strings escaped)."""
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"# {line}" for line in note.splitlines()]
    lines += [f"partnership = {quoted(partnership)}", "", "[peer_groups]", "msg = ["]
    lines += [f"  {quoted(m)}," for m in members]
    return "\n".join([*lines, "]", ""])


def read_adopted(path: Path | None) -> list[str] | None:
    """The ``msg`` of an adopted-MSG file; None when there is none."""
    if path is None or not path.is_file():
        return None
    groups = load_peer_groups(path)
    return list(groups.get("msg", [])) or None


def save_adopted(path: Path, members: Sequence[str], *, partnership: str, note: str) -> None:
    """Write the adopted-MSG file atomically (readers see the old file or the new one)."""
    write_atomic(path, adopted_toml(members, partnership=partnership, note=note).encode("utf-8"))


def configured_msg(peer_groups: Mapping[str, Sequence[str]], peer_groups_file: Path | None,
                   partnership: str | None) -> list[str] | None:
    """The MSG the config gives (``[peer_groups] msg`` or the peer-groups file), before any adopted
    suggestion replaces it: the Home Office list to compare a suggestion with. None when there is none."""
    groups: Mapping[str, Sequence[str]] = peer_groups
    if peer_groups_file is not None:
        groups = load_peer_groups(peer_groups_file, partnership=partnership)
    members = list(groups.get("msg", []))
    return members or None
