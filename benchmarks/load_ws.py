"""The websocket client of `make load` (the default, ``--client ws``): sessions in Streamlit's own protocol.

A browser session renders every chart and map in software WebGL; with 10 to 30 of them in one headless
Chromium on the 2 shared cores the renderers, not the server, set the latency (RESULTS.md, first run of
issue 14). This client loads the server the way the frontend does and nothing else: one websocket per
session at ``ws://HOST/_stcore/stream`` (subprotocol ``streamlit``, as the frontend sends it; no Origin
header, so the server's XSRF check, which only guards the sign-in cookie, does not apply, and the app has
no ``[auth]`` in the load run), ``BackMsg.rerun_script`` with a ``ClientState`` (query string, page script
hash, widget states) to rerun, and the ``ForwardMsg`` stream back (``new_session``, ``navigation``,
``delta``, ``page_info_changed``, ``script_finished``). It does not fetch cached messages over HTTP: it
reports no cached hashes, so the server sends every element in full each run.

Like the frontend, each rerun carries the state of every widget the session holds (its drawn value, or
the one it chose): a widget left out of a rerun goes back to its default (seen while this was built: the
group reverted to "All crime" on the next page).

What one session does, round and round for the level's time: visit every page of the navigation (its
``page_script_hash``), and on each change the sidebar's crime group (the widget id read from that run's
deltas, found by its label) to a different group. After every run it checks:

* no error: no exception element and no error alert in the run's deltas;
* its own filters: the query string the server sets (``page_info_changed``) carries its group and the area
  it opened with; on the Overview, Hotspots and Trends a text names the group, on the Overview the area.

Timed: each rerun from sending the BackMsg to ``script_finished`` (finished successfully) on the client.
The pure parts (reading a run from ForwardMsgs, finding widgets, building a BackMsg) are tested in
tests/test_load_ws.py without a server, with one short real run of two sessions.
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: delta_path[0] of elements in the sidebar (0 is the main area).
SIDEBAR = 1
GROUP_LABEL = "Crime group"
#: Pages whose main text names the crime group chosen (checked on each change; the other pages do not).
GROUP_PAGES = ("Overview", "Hotspots", "Trends")


@dataclass
class Widget:
    """One widget of a run: id, kind (``selectbox``, ...), label, sidebar or main, and its value.

    ``state`` is the WidgetState the frontend would hold for it on drawing it (the server's value when the
    server set one, ``set_value``, else the default); None for kinds this client does not keep (buttons,
    sliders, ...: they stay at their defaults). ``set_by_server``: the server set the value this run.
    """

    id: str
    kind: str
    label: str
    sidebar: bool
    value: list[str]
    state: WidgetState | None = None
    set_by_server: bool = False


@dataclass
class Run:
    """What the server sent for one script run, read from its ForwardMsgs (see :func:`read_msg`)."""

    texts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    widgets: list[Widget] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)
    query_string: str | None = None
    page: str = ""
    finished: bool = False
    status: int | None = None

    def widget(self, label: str, *, sidebar: bool = True) -> Widget | None:
        """The first widget labelled ``label`` (in the sidebar by default), or None."""
        return next((w for w in self.widgets if w.label == label and w.sidebar == sidebar), None)


def _widget(kind: str, proto: Any, sidebar: bool) -> Widget:
    state = WidgetState(id=proto.id)
    set_by_server = bool(getattr(proto, "set_value", False))
    value: list[str] = []
    if kind in ("selectbox", "radio"):
        if proto.HasField("raw_value"):
            value = [proto.raw_value]
        elif proto.HasField("default") and proto.options:
            value = [proto.options[proto.default]]
        if value:
            state.string_value = value[0]
    elif kind == "multiselect":
        value = list(proto.raw_values) if set_by_server else [proto.options[i] for i in proto.default]
        state.string_array_value.SetInParent()  # an empty choice is a value too
        state.string_array_value.data.extend(value)
    elif kind == "checkbox":
        on = bool(proto.value if set_by_server else proto.default)
        value = [str(on)]
        state.bool_value = on
    held = state if state.WhichOneof("value") is not None else None
    return Widget(id=proto.id, kind=kind, label=proto.label, sidebar=sidebar, value=value, state=held,
                  set_by_server=set_by_server)


def keep_states(held: dict[str, WidgetState], run: Run) -> dict[str, WidgetState]:
    """The widget states the frontend holds after ``run``: those of the run's widgets only (a widget gone
    is dropped), each the value held before unless the server set it (or it is new: its drawn value)."""
    kept = {}
    for w in run.widgets:
        if w.state is None:
            continue
        kept[w.id] = w.state if w.set_by_server or w.id not in held else held[w.id]
    return kept


def read_msg(run: Run, msg: ForwardMsg) -> Run:
    """Add what ``msg`` says to ``run`` and return it (a new script run, ``new_session``, starts afresh).

    Collected: the text of markdown, headings, captions (markdown), plain text and alerts; exceptions and
    error alerts as errors; every widget with an ``id`` (id, kind, label, sidebar or main, value as the
    server set it); the pages of ``navigation`` (title -> page script hash); the query string of
    ``page_info_changed``; ``script_finished`` and its status.
    """
    kind = msg.WhichOneof("type")
    if kind == "new_session":
        return Run(pages=run.pages, query_string=run.query_string, page=run.page)
    if kind == "navigation":
        run.pages = {p.page_name: p.page_script_hash for p in msg.navigation.app_pages}
        run.page = msg.navigation.page_script_hash
    elif kind == "page_info_changed":
        run.query_string = msg.page_info_changed.query_string
    elif kind == "script_finished":
        run.finished, run.status = True, int(msg.script_finished)
    elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        what = element.WhichOneof("type")
        sidebar = bool(msg.metadata.delta_path) and msg.metadata.delta_path[0] == SIDEBAR
        if what == "exception":
            run.errors.append(f"exception {element.exception.type}: {element.exception.message[:200]}")
        elif what == "alert":
            run.texts.append(element.alert.body)
            if element.alert.format == Alert.ERROR:
                run.errors.append(f"error: {element.alert.body[:200]}")
        elif what in ("markdown", "heading", "text"):
            run.texts.append(getattr(element, what).body)
        elif what is not None:
            proto = getattr(element, what)
            if "id" in proto.DESCRIPTOR.fields_by_name and "label" in proto.DESCRIPTOR.fields_by_name and proto.id:
                run.widgets.append(_widget(what, proto, sidebar))
    return run


def rerun_msg(query_string: str, *, page_script_hash: str = "", states: Iterable[WidgetState] = ()) -> bytes:
    """A serialised ``BackMsg.rerun_script`` as the frontend sends it (query string without the ``?``)."""
    back = BackMsg()
    back.rerun_script.query_string = query_string
    back.rerun_script.page_script_hash = page_script_hash
    back.rerun_script.widget_states.widgets.extend(states)
    return back.SerializeToString()


def string_state(widget_id: str, value: str) -> WidgetState:
    """The state of a selectbox set to the option ``value`` (its formatted text, as the frontend sends)."""
    state = WidgetState(id=widget_id)
    state.string_value = value
    return state


def own_filter_problems(run: Run, where: str, *, group: str, code: str, page: str) -> list[str]:
    """Mismatches between what this session chose (``group``, the area ``code``) and what its run shows.

    The query string the server set (from the session's own state) must carry both; on the pages of
    :data:`GROUP_PAGES` a text of the main area must name the group, and on the Overview one must name
    the area (" only: CODE"). A mix-up of state between sessions would show another session's choice.
    """
    problems = []
    query = urllib.parse.parse_qs(run.query_string or "")
    if query.get("group") != [group] or query.get("areas") != [code]:
        problems.append(f"{where}: query string {run.query_string!r}, chose group {group!r} area {code}")
    if page in GROUP_PAGES and not any(group in t for t in run.texts):
        problems.append(f"{where}: no text names its own group {group!r}")
    if page == "Overview" and not any(f"only: {code}" in t for t in run.texts):
        problems.append(f"{where}: no overview text names its own area {code}")
    return problems


class Session:
    """One websocket session: sends reruns and reads each run to its end."""

    def __init__(self, ws: Any, timeout_s: float) -> None:
        self.ws, self.timeout_s = ws, timeout_s
        self.run = Run()
        self.states: dict[str, WidgetState] = {}
        self.page = ""

    async def rerun(self, *, page: str | None = None, change: WidgetState | None = None,
                    query_string: str | None = None) -> float:
        """Send a rerun as the frontend does (every held widget state, ``change`` replacing its widget's;
        ``page`` a page script hash to open, else the current page); seconds from sending it to the run
        finishing. A run ended early by another rerun (st.switch_page, st.rerun) is followed to the run
        that finishes. The held states are then those of the finished run's widgets."""
        qs = self.run.query_string if query_string is None else query_string
        if page is not None:
            self.page = page
        states = dict(self.states)
        if change is not None:
            states[change.id] = change
        self.states = states
        self.run = Run(pages=self.run.pages, query_string=qs)
        t0 = time.monotonic()
        await self.ws.send(rerun_msg(qs or "", page_script_hash=self.page, states=states.values()))
        deadline = t0 + self.timeout_s
        while True:
            data = await asyncio.wait_for(self.ws.recv(), timeout=max(0.01, deadline - time.monotonic()))
            msg = ForwardMsg()
            msg.ParseFromString(data)
            self.run = read_msg(self.run, msg)
            if self.run.finished:
                if self.run.status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    self.run.finished = False
                    continue
                elapsed = time.monotonic() - t0
                self.states = keep_states(self.states, self.run)
                self.page = self.run.page or self.page
                return elapsed


async def session(url: str, i: int, deadline: float, level: Any, timeout_s: float, *, groups: list[str],
                  areas: dict[str, str], pages: list[str], once: bool = False) -> None:
    """Session ``i`` of a level: opens with its own area, then pages and group changes until ``deadline``.

    Records into ``level`` (benchmarks.load.Level) as the browser session does: first load, page-navigation
    and rerun latencies, errors, own-filter mismatches, a failure (timeout, closed socket) for the session.
    Before each navigation and each change it waits ``level.think_s`` (0.5 to 1.5 times, seeded by ``i``;
    0, the default, sends each action as soon as the last finished: the server's worst case).
    """
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    code = list(areas)[i % len(areas)]
    pause = random.Random(i)

    async def think() -> None:  # a person reads the page before the next click: 0.5 to 1.5 x think_s
        if level.think_s > 0:
            await asyncio.sleep(level.think_s * pause.uniform(0.5, 1.5))

    ws_url = url.replace("http://", "ws://", 1) + "/_stcore/stream"
    k = 0
    try:
        async with connect(ws_url, subprotocols=[Subprotocol("streamlit")], max_size=None,
                           open_timeout=timeout_s) as ws:
            s = Session(ws, timeout_s)
            level.first_load_s.append(await s.rerun(query_string=f"areas={code}"))
            level.errors += [f"session {i} first load: {e}" for e in s.run.errors]
            current, here = "All crime (excluding ASB)", "Overview"
            while time.monotonic() < deadline:
                for title in pages:
                    if time.monotonic() >= deadline:
                        break
                    where = f"session {i} {title}"
                    if title != here:
                        await think()
                        if title not in s.run.pages:
                            raise RuntimeError(f"page {title!r} not in the navigation {sorted(s.run.pages)}")
                        level.nav_s.append(await s.rerun(page=s.run.pages[title]))
                        level.errors += [f"{where} (opened): {e}" for e in s.run.errors]
                        here = title
                    await think()
                    box = s.run.widget(GROUP_LABEL)
                    if box is None:
                        raise RuntimeError(f"{where}: no {GROUP_LABEL!r} selectbox in the sidebar")
                    # 5 * i: neighbouring sessions choose different groups (1 * i gave sessions 0 and 1 the same)
                    group = groups[(5 * i + k) % len(groups)]
                    if group == current:
                        k += 1
                        group = groups[(5 * i + k) % len(groups)]
                    level.rerun_s.append(await s.rerun(change=string_state(box.id, group)))
                    level.rerun_by_page.setdefault(title, []).append(level.rerun_s[-1])
                    current, k = group, k + 1
                    level.errors += [f"{where} (group {group}): {e}" for e in s.run.errors]
                    level.mixups += own_filter_problems(s.run, where, group=group, code=code, page=title)
                    level.pages_seen.add(title)
                if once:
                    break
    except Exception as exc:  # a timeout or a closed socket is this session's failure, not the run's
        level.failures.append(f"session {i} after {k} changes: {type(exc).__name__}: {str(exc)[:300]}")
