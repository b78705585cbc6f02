"""The hand-over from Streamlit's legacy ``pages/`` mode to app.py, kept in one place.

Why it is still needed (checked on the pinned Streamlit 1.67): app.py lists the pages with
``st.navigation``, but Streamlit still executes a ``pages/`` script on its own when a deep link
(``/trends?group=...``) is the first request after the server starts, and AppTest runs page files
directly. Such a run has no sidebar and no dataset in session state. :func:`current` notices that
app.py is not on the stack, remembers the page and the query string (``_pending_page``,
``_pending_query``, read back by app.py) and switches to app.py, which builds the sidebar and the
navigation and comes back to the page. tests/app/conftest.py patches AppTest (``_mpa_v1``) so that it
runs app.py the way the server does. Remove this module when Streamlit stops running ``pages/``
scripts by themselves.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import streamlit as st

from csp_data.model import Dataset
from csp_data.query import Query

APP_SCRIPT = Path(__file__).resolve().parent.parent / "app.py"


def run_by_app() -> bool:
    """True when this page is being run by app.py's navigation (app.py's frame is on the stack)."""
    return any(Path(f.filename).resolve() == APP_SCRIPT for f in inspect.stack(context=0))


def current() -> tuple[Dataset, Query]:
    """The dataset and filters app.py put in session state for this run.

    Streamlit still runs a pages/ script on its own (legacy multipage mode) for a deep link on the
    first request after the server starts, and in AppTest: then hand over to app.py, which builds the
    sidebar and the navigation and comes back to this page.
    """
    if not run_by_app():
        caller = Path(inspect.stack(context=0)[1].filename)
        st.session_state["_pending_page"] = f"pages/{caller.name}"
        st.session_state["_pending_query"] = {k: st.query_params.get_all(k) for k in st.query_params}
        st.switch_page("app.py")
    return st.session_state["dataset"], st.session_state["filters"]
