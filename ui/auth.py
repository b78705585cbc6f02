"""Sign-in and roles in the app: the gate app.py runs before anything else, the sidebar's sign-out,
and the role checks the pages call. The rules (hashes, limits, idle time, roles) are in
:mod:`csp_data.auth`; the settings come from the ``[auth]`` table of ``.streamlit/secrets.toml``
(layout: ``.streamlit/secrets.example.toml``; why: SECURITY.md, *Sign-in and roles*).

Session state: ``auth_role`` is the signed-in role ("analyst", "partner", "admin"), or None when no
sign-in is configured (the contract with ``ui/safe.py``); ``auth_last_active`` the monotonic time of
the last rerun; ``auth_attempts`` this session's failed tries.

For the Import page and any dataset import/delete control: list the page in
``csp_data.auth.ADMIN_PAGES`` (app.py then offers it to the admin only) and guard each control with
:func:`may_manage_datasets`; guard any incident-level (raw-row) export with :func:`may_export_raw_rows`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from csp_data.auth import (
    ROLES,
    Attempts,
    AuthSettings,
    Role,
    allowed_pages,
    can_edit_fund,
    can_export_raw_rows,
    can_manage_datasets,
    cast_role,
    check_attempt,
    client_address,
    idle_expired,
    record_failure,
    role_for_user,
    settings_from_secrets,
    stricter,
    verify_password,
    wait_text,
)
from ui.cache import attempt_store
from ui.common import escape_markdown

OPEN_NOTE = "open: no sign-in configured"
#: Session keys kept through sign-in: a deep link's page and query string (ui.navigation.current).
KEPT_AT_SIGN_IN = ("_pending_page", "_pending_query")
#: How often an idle session's open page checks the idle clock (seconds).
IDLE_CHECK_SECONDS = 30


def settings() -> AuthSettings | None:
    """The checked ``[auth]`` settings, or None when there is no ``[auth]`` (an open app).

    Raises ValueError when a secrets file exists but cannot be read, or ``[auth]`` is unusable: a
    sign-in that is configured but broken must not fall open.
    """
    if not st.secrets.load_if_toml_exists():
        unreadable = [p for p in _secrets_files() if Path(p).is_file()]
        if unreadable:
            raise ValueError("the secrets file could not be read; fix its TOML (no sign-in, no app)")
        return None
    section = st.secrets.get("auth")
    if section is not None and not hasattr(section, "keys"):
        raise ValueError("[auth]: expected a table in .streamlit/secrets.toml")
    return settings_from_secrets(section)


def _secrets_files() -> list[str]:
    files: Any = st.get_option("secrets.files")
    return [str(f) for f in files] if isinstance(files, list | tuple) else []


def current_role() -> Role | None:
    """The signed-in role of this session; None when the app is open."""
    return cast_role(st.session_state.get("auth_role"))


def may_manage_datasets() -> bool:
    """This session may import, upload or delete datasets (``csp_data.auth.can_manage_datasets``)."""
    return can_manage_datasets(current_role())


def may_export_raw_rows() -> bool:
    """This session may see or download incident-level rows (``csp_data.auth.can_export_raw_rows``)."""
    return can_export_raw_rows(current_role())


def may_edit_fund() -> bool:
    """This session may add, edit or decline fund bids (``csp_data.auth.can_edit_fund``)."""
    return can_edit_fund(current_role())


def page_list(role: Role | None, pages: dict[str, Any]) -> list[Any]:
    """The ``st.Page`` objects of ``pages`` (path -> page) that ``role`` may open."""
    return [pages[p] for p in allowed_pages(role, pages)]


def _sign_out(conf: AuthSettings, *, message: str | None = None) -> None:
    """Forget everything this session held (filters too: the next person may have another role)."""
    st.session_state.clear()
    if message:
        st.session_state["auth_message"] = message
    if conf.mode == "oidc" and st.user.is_logged_in:
        st.logout()
    st.rerun()


def _sign_out_if_idle(conf: AuthSettings, now: float) -> None:
    if idle_expired(st.session_state.get("auth_last_active"), now, conf.idle_seconds):
        _sign_out(conf, message=f"Signed out after {wait_text(conf.idle_seconds)} without activity.")


@st.fragment(run_every=IDLE_CHECK_SECONDS)
def _idle_watch(conf: AuthSettings) -> None:
    """Check the idle clock while nobody clicks, so an idle screen is cleared, not only the next click
    refused. A fragment rerun is not activity: it does not touch ``auth_last_active``."""
    _sign_out_if_idle(conf, time.monotonic())


def require_sign_in(pages: Sequence[Any]) -> Role | None:
    """The gate, run by app.py before anything else on every rerun.

    Open app (no ``[auth]``): says so in the sidebar and returns None. Signed in: updates the idle
    clock, shows the role and a sign-out button at the top of the sidebar, and returns the role.
    Otherwise renders the sign-in form and nothing else, and stops the run: no dataset is loaded and
    no page runs. ``pages`` are registered hidden, so a deep link's page is kept for after sign-in.
    """
    try:
        conf = settings()
    except ValueError as exc:
        st.navigation(list(pages), position="hidden")  # no page list either
        st.error(f"Sign-in is misconfigured: {escape_markdown(str(exc))}")
        st.stop()
    if conf is None:
        st.session_state["auth_role"] = None
        st.sidebar.caption(OPEN_NOTE)
        return None
    now = time.monotonic()
    role = _signed_in_role(conf)
    if role is not None:
        _sign_out_if_idle(conf, now)
        st.session_state["auth_role"] = role
        st.session_state["auth_last_active"] = now
        st.sidebar.markdown(f"Signed in as **{role}**")
        if st.sidebar.button("Sign out", key="auth_sign_out", icon=":material/logout:"):
            _sign_out(conf, message="Signed out.")
        with st.sidebar:
            _idle_watch(conf)
        return role
    st.session_state.pop("auth_role", None)
    # Register the pages (hidden) before any widget: on a fresh server's first run Streamlit is still in
    # its legacy pages/ mode, and a form drawn before st.navigation would get other widget ids than on
    # the next run, so the first sign-in would be lost.
    st.navigation(list(pages), position="hidden")
    st.title("CSP dashboard: sign in")
    message = st.session_state.get("auth_message")
    if message:
        st.info(message)
    if conf.mode == "password":
        _password_form(conf, now)
    else:
        _oidc_form(conf)
    st.stop()


def _signed_in_role(conf: AuthSettings) -> Role | None:
    if conf.mode == "password":
        return current_role()
    if not st.user.is_logged_in:
        return None
    return role_for_user(st.user.to_dict(), emails=conf.emails, role_claim=conf.role_claim)


def _oidc_form(conf: AuthSettings) -> None:
    if st.user.is_logged_in:  # signed in with the provider, but no role here
        st.warning(
            "Your account is signed in but has no role in this dashboard. Ask its administrator to add "
            "your email to a role."
        )
        if st.button("Sign out", key="auth_sign_out_norole"):
            _sign_out(conf)
        return
    args = (conf.provider,) if conf.provider else ()
    st.button("Sign in with your organisation's account", key="auth_login", on_click=st.login, args=args)


def _password_form(conf: AuthSettings, now: float) -> None:
    roles = [r for r in ROLES if r in conf.passwords]
    with st.form("auth_form", clear_on_submit=True):  # the password does not linger in the form
        role = st.selectbox("Role", roles, key="auth_pick")
        password = st.text_input("Password", type="password", key="auth_password")
        submitted = st.form_submit_button("Sign in")
    if not submitted or role is None:
        return
    _try_password(conf, role, password, now)


def _client(conf: AuthSettings) -> str:
    """The address this session's failures are counted under (``csp_data.auth.client_address``)."""
    try:
        forwarded = st.context.headers.get("X-Forwarded-For")
    except (AttributeError, RuntimeError):  # no browser connection
        forwarded = None
    ip = st.context.ip_address
    # without a real connection (AppTest) these are not strings: count the session as local
    return client_address(
        ip if isinstance(ip, str) else None, forwarded if isinstance(forwarded, str) else None, conf.trusted_proxies
    )


def _try_password(conf: AuthSettings, role: str, password: str, now: float) -> None:
    limits = conf.limits
    store = attempt_store(conf.max_clients)
    address = _client(conf)
    mine: Attempts = st.session_state.get("auth_attempts", Attempts())
    verdict = stricter(check_attempt(mine, now, limits), store.check(address, now, limits))
    if not verdict.allowed:
        _refused(verdict.reason, verdict.wait_seconds)
        return
    if verify_password(conf.passwords[role], password):
        kept = {k: st.session_state[k] for k in KEPT_AT_SIGN_IN if k in st.session_state}
        st.session_state.clear()  # nothing else from before sign-in carries over
        st.session_state.update(kept)
        st.session_state["auth_role"] = role
        st.session_state["auth_last_active"] = now
        st.rerun()
    mine = record_failure(mine, now, limits)
    st.session_state["auth_attempts"] = mine
    theirs = store.fail(address, now, limits)
    after = stricter(check_attempt(mine, now, limits), check_attempt(theirs, now, limits))
    if after.reason == "locked":
        _refused("locked", after.wait_seconds)
        return
    left = limits.lockout_after - max(mine.failures, theirs.failures)
    st.error(
        f"Wrong password for the {role} role. {left} more failed attempt{'s' if left != 1 else ''} and "
        f"sign-in is locked for {wait_text(limits.lockout_seconds)}."
    )


def _refused(reason: str, wait: float) -> None:
    if reason == "locked":
        st.error(f"Too many failed sign-in attempts. Sign-in is locked; try again in {wait_text(wait)}.")
    else:
        st.warning(f"Too many failed attempts: wait {wait_text(wait)} before trying again.")
