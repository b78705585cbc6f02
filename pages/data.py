"""Data: what is loaded, how fresh it is, and what was rejected or flagged on the way in."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csp_data.io.dataset import display_path
from csp_data.io.uploads import MAX_UPLOAD_MB, check_upload, upload_label
from csp_data.text import data as text
from ui.auth import may_export_raw_rows, may_manage_datasets
from ui.cache import cached_counts, get_config
from ui.common import demo_banner, download_buttons, escape_markdown
from ui.navigation import current
from ui.safe import partner_safe_active, safe_table, safe_text

dataset, filters = current()
base = get_config(st.session_state["dataset_key"]).base_dir  # paths are shown relative to the config's folder
demo_banner(dataset)
st.title("Data: what is loaded")

inc = dataset.incidents
first, latest = dataset.first_month, dataset.latest_month
report = dataset.report
incident_files = [f for f in report.files if f.kind in ("police.uk street", "force extract")]
accepted = sum(f.accepted for f in incident_files)
rejected = sum(f.rejected for f in incident_files)
st.markdown(safe_text("### " + text.headline(
    dataset.name, incidents=len(inc), partnership=dataset.partnership, span=text.span(first, latest),
    months=len(dataset.months), accepted=accepted, rejected=rejected, incident_files=len(incident_files),
    files=len(report.files),
)))
st.caption(f"Source: {dataset.source}")
if dataset.store is not None:
    st.info(
        f"**Large-dataset mode** (`store = \"parquet\"`): {dataset.store.describe()} "
        f"Store file: `{display_path(dataset.store.parquet, base)}`. Comparator counts for every partnership were made by "
        "DuckDB over the store. See README, *Large datasets*."
    )

c1, c2, c3, c4 = st.columns(4)
c1.metric("Incidents (partnership)", f"{len(inc):,}")
c2.metric("Months", f"{len(dataset.months)}")
if dataset.areas is not None:
    c3.metric(f"{dataset.area_title}s", f"{len(dataset.areas):,}")
    pop = dataset.areas["population"].sum(min_count=1)
    c4.metric("Population (sum of areas)", "unknown" if pd.isna(pop) else f"{pop:,.0f}")

st.subheader("Files read")
files = report.to_frame()
files["file"] = [display_path(p, base) for p in files["file"]]
st.dataframe(
    files, hide_index=True, width="stretch",
    column_config={
        "accepted": st.column_config.NumberColumn(format="localized"),
        "rejected": st.column_config.NumberColumn(format="localized"),
    },
)
download_buttons(files, "load_report", key="load_report")

if report.notes:
    st.subheader("Notes from loading")
    for note in report.notes:
        st.markdown(f"- {note}")

# Problem examples quote cells of the files' rows: raw rows, not for a partner (csp_data.auth) nor in
# partner-safe mode.
examples = [(f.path, i) for f in report.files for i in f.issues] if may_export_raw_rows() else []
if examples and not partner_safe_active():
    st.subheader("Problems found, with file, row and column")
    st.dataframe(
        pd.DataFrame(
            [{"severity": i.severity, "file": display_path(i.file, base), "row": i.row, "column": i.column, "problem": i.message}
             for _, i in examples]
        ),
        hide_index=True, width="stretch",
    )

st.subheader("Incidents per month")
missing_months = text.missing_month_labels(first, latest, dataset.months)
per_month = cached_counts(st.session_state["dataset_key"], ("month",), None).rename(columns={"count": "incidents"})
per_month = per_month[per_month["incidents"] > 0]
if missing_months:
    st.warning(text.missing_months_warning(missing_months))
st.dataframe(safe_table(per_month.assign(month=per_month["month"].dt.strftime("%Y-%m"))), hide_index=True, width="stretch")

st.subheader("Crime types and their groups")
types = (
    cached_counts(st.session_state["dataset_key"], ("crime_type", "group"), None)
    .rename(columns={"group": "crime_group", "count": "incidents"})
    .sort_values("incidents", ascending=False, kind="stable")
)
types = types[types["incidents"] > 0]
st.dataframe(safe_table(types), hide_index=True, width="stretch")
located = int(inc["x"].notna().sum())
st.caption(safe_text(text.located_caption(located, len(inc))))

st.subheader("Check a file before you use it")
st.write(text.UPLOAD_INTRO)
upload = None
if may_manage_datasets():  # uploads are dataset management: the admin, or an open app
    upload = st.file_uploader(
        f"File to check (at most {MAX_UPLOAD_MB} MB)", type=["csv", "xlsx", "zip", "geojson", "json", "gpkg", "gz"]
    )
else:
    st.caption(text.UPLOAD_ADMIN_ONLY)
if upload is not None:
    # The client's file name is never a path: check_upload writes to a name the server makes.
    label = escape_markdown(upload_label(upload.name))
    try:
        checked = check_upload(upload.name, upload.getvalue())
    except ValueError as exc:
        st.error(escape_markdown(str(exc)))
    else:
        st.dataframe(checked.to_frame(), hide_index=True, width="stretch")
        for f in checked.files:
            for issue in f.issues:
                (st.error if issue.severity == "error" else st.warning)(escape_markdown(str(issue)))
        if checked.usable:
            st.success(text.usable_message(label))

st.subheader("Load your own data")
st.markdown(text.OWN_DATA)
