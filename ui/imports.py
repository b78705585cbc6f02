"""The Import page's widgets and the sidebar's dataset switch (the logic: csp_data.io.upload_import and
csp_data.io.library).

Session state: ``f_dataset`` is the sidebar's choice ("" = the configured dataset, else a library
name); ``_pending_dataset`` is a choice made by a page (after a commit or a delete), applied by
:func:`choose_dataset` before the selectbox exists; ``import_plan`` is the plan being previewed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from csp_data.exports import to_csv
from csp_data.io.boundaries import guess_code_field, guess_name_field
from csp_data.io.dataset import DatasetConfig, active_config
from csp_data.io.force import ColumnMapping
from csp_data.io.library import DEMO, ImportPlan, Library, check_name, resolve_data_dir
from csp_data.io.limits import DEFAULT_LIMITS
from csp_data.io.upload_import import (
    Upload,
    UploadSet,
    column_names,
    guess_force_mapping,
    mapping_fields,
    plan_uploads,
    uploader_types,
)
from csp_data.model import LoadReport
from ui.auth import may_manage_datasets
from ui.common import escape_markdown

#: The sidebar option for the configured dataset (csp.toml / $CSP_CONFIG, else the demo).
CONFIGURED = ""
PLAN_KEY = "import_plan"
PENDING_KEY = "_pending_dataset"
NEW = "A new dataset"


def library() -> Library:
    """The data folder's library, with the configured limits (the defaults when the config is bad)."""
    try:
        config: DatasetConfig | None = active_config()
    except (ValueError, OSError):
        config = None
    return Library(resolve_data_dir(config=config), limits=config.limits if config is not None else DEFAULT_LIMITS)


# ------------------------------------------------------------------------------------------ sidebar


def choose_dataset() -> tuple[DatasetConfig, str]:
    """The sidebar's dataset switch: (the config to load, the version to add to its cache key).

    The options are the configured dataset (when it is not the demo), the demo, and every library
    dataset. Raises what :func:`active_config` or :meth:`Library.config` raise (app.py shows it).
    """
    lib = library()
    try:
        configured: DatasetConfig | None = active_config()
        broken: Exception | None = None
    except (ValueError, OSError) as exc:  # still offer the library: the error shows when it is chosen
        configured, broken = None, exc
    names = lib.names()
    is_demo = configured is not None and configured.is_demo
    options = ([] if is_demo else [CONFIGURED]) + names
    labels = {CONFIGURED: f"{configured.name if configured else 'the configured dataset'} (csp.toml)", DEMO: "demo"}
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending is not None:
        st.session_state["f_dataset"] = pending
    if "f_dataset" in st.session_state and st.session_state["f_dataset"] not in options:
        del st.session_state["f_dataset"]  # a deleted dataset: the first option
    choice = st.sidebar.selectbox(
        "Dataset", options, format_func=lambda n: labels.get(n, n), key="f_dataset",
        help="The configured dataset, the demo, and the datasets imported on the Import page.",
    )
    if choice == CONFIGURED or (choice == DEMO and is_demo):
        if configured is None:
            assert broken is not None
            raise broken
        return configured, ""
    if choice == DEMO:
        return lib.config(DEMO), ""
    summary = lib.summary(choice)
    return lib.config(choice), f"library:{choice}:{summary.generation}"


def delete_controls() -> None:
    """Delete the chosen library dataset, in two steps: type its name, then press the button."""
    name = st.session_state.get("f_dataset")
    if not may_manage_datasets() or name in (None, CONFIGURED, DEMO):
        return
    with st.sidebar.expander("Delete this dataset"):
        typed = st.text_input(f"Type {name} to confirm", key="delete_confirm")
        if st.button("Delete dataset", key="delete_dataset", disabled=typed != name, type="primary"):
            try:
                library().delete(name)
            except ValueError as exc:
                st.error(escape_markdown(str(exc)))
                return
            st.session_state[PENDING_KEY] = CONFIGURED  # the first option when the configured one is the demo
            st.session_state.pop("delete_confirm", None)
            st.toast(f"Deleted {name}")
            st.rerun()


# ------------------------------------------------------------------------------------------ Import page


def target_dataset(lib: Library) -> str | None:
    """The dataset to import into: an existing library dataset or a new (validated) name."""
    existing = [n for n in lib.names() if n != DEMO]
    committed = st.session_state.pop("_imp_target", None)  # the dataset just committed to
    if committed in existing:
        st.session_state["imp_target"] = committed
        st.session_state["imp_name"] = ""
    choice = st.selectbox("Import into", [NEW, *existing], key="imp_target")
    if choice != NEW:
        return str(choice)
    typed = st.text_input(
        "New dataset name", key="imp_name", placeholder="e.g. herts or dacorum-2021",
        help="1-64 lower-case letters, digits, '-' or '_'.",
    ).strip()
    if not typed:
        return None
    try:
        name = check_name(typed)
    except ValueError as exc:
        st.error(escape_markdown(str(exc)))
        return None
    if name == DEMO or name in existing:
        st.error(f"{name} is taken: choose it above to import into it, or another name.")
        return None
    return name


def _one(upload: Any) -> Upload | None:
    return None if upload is None else Upload(str(upload.name), upload.getvalue())


def _mapping(lib: Library, name: str | None, force: list[Upload]) -> ColumnMapping | None:
    """The force-extract column mapping: pickers over the first file's header, prefilled with the
    dataset's remembered mapping, else a guess."""
    try:
        columns = column_names(force[0], "force", lib.limits)
    except ValueError as exc:
        st.error(escape_markdown(str(exc)))
        return None
    remembered = lib.remembered_mapping(name) if name and name in lib.names() else None
    start: dict[str, str | None] = (
        {k: v for k, v in remembered.columns().items()} if remembered is not None else guess_force_mapping(columns)
    )
    if remembered is not None:
        st.caption("Prefilled with the mapping this dataset remembered from its last force import.")
    chosen: dict[str, str | None] = {}
    cols = st.columns(4)
    for i, f in enumerate(mapping_fields()):
        options: list[str | None] = [None, *columns]
        default = start.get(f)
        chosen[f] = cols[i % 4].selectbox(
            f + (" (required)" if f in ("area", "crime_type") else ""), options,
            index=options.index(default) if default in options else 0,
            format_func=lambda c: "—" if c is None else str(c), key=f"imp_map_{f}",
        )
    if not chosen.get("area") or not chosen.get("crime_type") or not (chosen.get("date") or chosen.get("month")):
        st.warning("Choose the columns for area, crime_type, and date or month.")
        return None
    return ColumnMapping(**{k: v for k, v in chosen.items() if v}, crs="EPSG:27700")  # type: ignore[arg-type]


def collect_uploads(lib: Library, name: str | None) -> UploadSet:
    """The uploaders of every kind of file, and their pickers."""
    limit = f"at most {lib.limits.max_upload_mb:g} MB each"
    out = UploadSet()
    st.subheader("Incidents")
    out.policeuk = [
        Upload(str(u.name), u.getvalue()) for u in st.file_uploader(
            f"police.uk street CSVs or the archive zip ({limit})", type=uploader_types("policeuk"),
            accept_multiple_files=True, key="up_policeuk",
        ) or []
    ]
    with st.expander("Force extracts (CSV or Excel) instead of police.uk files"):
        out.force = [
            Upload(str(u.name), u.getvalue()) for u in st.file_uploader(
                f"Force extracts ({limit})", type=uploader_types("force"), accept_multiple_files=True, key="up_force",
            ) or []
        ]
        if out.force:
            out.force_mapping = _mapping(lib, name, out.force)
    st.subheader("Areas")
    out.boundaries = _one(st.file_uploader(
        f"Boundary layer: zipped shapefile, GeoJSON or GeoPackage ({limit})", type=uploader_types("boundaries"),
        key="up_boundaries",
    ))
    if out.boundaries is not None:
        try:
            fields = column_names(out.boundaries, "boundaries", lib.limits)
        except ValueError as exc:
            st.error(escape_markdown(str(exc)))
            fields = []
        if fields:
            code = guess_code_field(fields)
            c1, c2, c3 = st.columns(3)
            out.code_field = c1.selectbox("Code field", fields, index=fields.index(code) if code in fields else 0, key="imp_code")
            name_guess = guess_name_field(fields, exclude=out.code_field)
            out.name_field = c2.selectbox(
                "Name field", fields, index=fields.index(name_guess) if name_guess in fields else 0, key="imp_name_field",
            )
            out.area_label = c3.text_input("What an area is called", value="ward", key="imp_label") or "area"
    c1, c2 = st.columns(2)
    out.population = _one(c1.file_uploader("Population (CSV or Excel)", type=uploader_types("population"), key="up_population"))
    out.households = _one(c2.file_uploader("Households (CSV or Excel)", type=uploader_types("households"), key="up_households"))
    st.subheader("Comparators")
    c1, c2 = st.columns(2)
    out.comparators = _one(c1.file_uploader("Comparator table (CSV or Excel)", type=uploader_types("comparators"), key="up_comparators"))
    out.peer_groups = _one(c2.file_uploader("Peer groups (TOML)", type=uploader_types("peer_groups"), key="up_peer_groups"))
    return out


def drop_plan(lib: Library) -> None:
    """Discard the plan being previewed (its staging folder), if any."""
    plan = st.session_state.pop(PLAN_KEY, None)
    if plan is not None:
        lib.discard(plan)


def rejects_frame(report: LoadReport) -> pd.DataFrame:
    """Every problem of a plan's report, one row each (file, row, column, problem)."""
    rows = [
        {"file": f.path, "severity": i.severity, "row": i.row, "column": i.column, "problem": i.message}
        for f in report.files for i in f.issues
    ]
    return pd.DataFrame(rows, columns=["file", "severity", "row", "column", "problem"])


def show_plan(plan: ImportPlan) -> None:
    """The preview: the validation report per file, the problems (downloadable), and what changes."""
    st.subheader(f"Preview: what importing into {plan.name} would do")
    files = plan.report.to_frame()
    st.dataframe(files, hide_index=True, width="stretch")
    problems = rejects_frame(plan.report)
    if len(problems):
        st.markdown("**Rejected rows and problems**")
        st.dataframe(problems, hide_index=True, width="stretch")
        st.download_button(
            "Download the rejects as CSV", to_csv(problems), file_name=f"{plan.name}-rejects.csv", mime="text/csv",
            key="imp_rejects", on_click="ignore",
        )
    for f in plan.report.files:
        for issue in f.issues:
            if issue.severity == "error" and issue.row is None:
                st.error(escape_markdown(f"{f.path}: {issue.message}"))
    changes = plan.changes
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("New months", f"{len(changes.new_months)}")
    c2.metric("Replaced months", f"{len(changes.replaced_months)}")
    c3.metric("New areas", f"{len(changes.new_areas):,}")
    c4.metric("Incident rows", f"{changes.rows_after:,}", delta=f"{changes.rows_after - changes.rows_before:+,}")
    st.markdown("**What will change**")
    st.markdown("\n".join(f"- {escape_markdown(line)}" for line in changes.lines()))


def import_page() -> None:
    """The Import page body (pages/import.py calls it)."""
    lib = library()
    st.title("Import data")
    if not may_manage_datasets():
        st.info("Importing and deleting datasets needs a role that manages datasets.")
        return
    st.caption(
        f"Imported datasets are kept in the data folder `{escape_markdown(lib.data_dir.name)}` and listed in the "
        "sidebar's Dataset switch. Nothing changes until you press Commit."
    )
    name = target_dataset(lib)
    uploads = collect_uploads(lib, name)
    if st.button("Preview", key="imp_preview", disabled=name is None or uploads.empty()):
        drop_plan(lib)
        assert name is not None
        try:
            with st.spinner("Checking the files…"):
                st.session_state[PLAN_KEY] = plan_uploads(lib, name, uploads)
        except ValueError as exc:
            st.error(escape_markdown(str(exc)))
    plan: ImportPlan | None = st.session_state.get(PLAN_KEY)
    done = st.session_state.get("imp_done")
    if done:
        st.success(f"Committed to {done}.")
        if st.button(f"Open {done}", key="imp_open"):
            st.session_state[PENDING_KEY] = st.session_state.pop("imp_done")
            st.rerun()
    if plan is None:
        return
    show_plan(plan)
    if not plan.usable:
        st.error("Nothing usable to import: every file was rejected or missing. The dataset is unchanged.")
    c1, c2 = st.columns(2)
    if c1.button("Commit", key="imp_commit", type="primary", disabled=not plan.usable):
        try:
            summary = lib.commit(plan)
        except ValueError as exc:
            st.error(escape_markdown(str(exc)))
        else:
            st.session_state.pop(PLAN_KEY, None)
            st.session_state["imp_done"] = summary.name
            st.session_state["_imp_target"] = summary.name
            st.rerun()
    if c2.button("Cancel", key="imp_cancel"):
        drop_plan(lib)
        st.rerun()
