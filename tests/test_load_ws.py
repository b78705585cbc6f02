"""Tests for benchmarks.load_ws, the websocket client of `make load`: its pure parts on ForwardMsgs built
here, and one short real run (2 sessions, the Overview only) against a server on loopback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.load_ws import (
    Run,
    keep_states,
    own_filter_problems,
    read_msg,
    rerun_msg,
    session,
    string_state,
)


def _element(path: list[int]) -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.delta_path.extend(path)
    return msg


def _selectbox(wid: str, label: str, options: list[str], default: int, *, sidebar: bool = True) -> ForwardMsg:
    msg = _element([1 if sidebar else 0, 4])
    box = msg.delta.new_element.selectbox
    box.id, box.label, box.default = wid, label, default
    box.options.extend(options)
    return msg


def _read(msgs: list[ForwardMsg]) -> Run:
    run = Run()
    for m in msgs:  # through bytes, as they arrive
        parsed = ForwardMsg()
        parsed.ParseFromString(m.SerializeToString())
        run = read_msg(run, parsed)
    return run


def _run_of_one_page() -> list[ForwardMsg]:
    nav = ForwardMsg()
    page = nav.navigation.app_pages.add()
    page.page_name, page.page_script_hash = "Overview", "h-over"
    page = nav.navigation.app_pages.add()
    page.page_name, page.page_script_hash = "Trends", "h-trends"
    nav.navigation.page_script_hash = "h-over"
    areas = _element([1, 6])
    ms = areas.delta.new_element.multiselect
    ms.id, ms.label, ms.set_value = "w-areas", "Beats (optional)", True
    ms.options.extend(["Boxmoor (D1F)", "Grovehill (D1H)"])
    ms.raw_values.append("Grovehill (D1H)")
    types = _element([1, 5])
    ts = types.delta.new_element.multiselect
    ts.id, ts.label = "w-types", "Crime types (optional)"
    ts.options.extend(["Burglary", "Robbery"])
    text = _element([0, 2])
    text.delta.new_element.markdown.body = "Where to look: Burglary"
    err = _element([0, 3])
    err.delta.new_element.alert.body = "Could not read the file"
    err.delta.new_element.alert.format = Alert.ERROR
    warn = _element([0, 5])
    warn.delta.new_element.alert.body = "No data for 1 month"
    warn.delta.new_element.alert.format = Alert.WARNING
    exc = _element([0, 7])
    exc.delta.new_element.exception.type = "KeyError"
    exc.delta.new_element.exception.message = "'group'"
    info = ForwardMsg()
    info.page_info_changed.query_string = "areas=D1H&group=Burglary"
    done = ForwardMsg()
    done.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    return [ForwardMsg(new_session=ForwardMsg().new_session), nav,
            _selectbox("w-group", "Crime group", ["All crime", "Burglary", "Drugs"], 1),
            _selectbox("w-view", "View", ["Map", "Table"], 0, sidebar=False), types, areas, text, err, warn, exc, info,
            done]


def test_a_run_read_from_forward_msgs() -> None:
    run = _read(_run_of_one_page())
    assert run.finished and run.status == 0
    assert run.pages == {"Overview": "h-over", "Trends": "h-trends"}
    assert run.page == "h-over"
    assert run.query_string == "areas=D1H&group=Burglary"
    assert run.errors == ["error: Could not read the file", "exception KeyError: 'group'"]
    assert "Where to look: Burglary" in run.texts and "No data for 1 month" in run.texts
    group = run.widget("Crime group")
    assert group is not None and group.id == "w-group" and group.value == ["Burglary"]  # options[default]
    assert run.widget("View") is None  # not in the sidebar
    view = run.widget("View", sidebar=False)
    assert view is not None and view.kind == "selectbox"
    beats = run.widget("Beats (optional)")
    assert beats is not None and beats.set_by_server and beats.value == ["Grovehill (D1H)"]
    assert beats.state is not None and list(beats.state.string_array_value.data) == ["Grovehill (D1H)"]
    types = run.widget("Crime types (optional)")  # nothing chosen: an empty list is still a state to send
    assert types is not None and types.state is not None and types.state.WhichOneof("value") == "string_array_value"
    assert list(types.state.string_array_value.data) == []


def test_a_new_session_message_starts_the_run_afresh_but_keeps_pages_and_query() -> None:
    msgs = _run_of_one_page()[:-1]  # not finished
    run = _read(msgs)
    again = read_msg(run, ForwardMsg(new_session=ForwardMsg().new_session))
    assert again.errors == [] and again.widgets == [] and not again.finished
    assert again.pages == {"Overview": "h-over", "Trends": "h-trends"}
    assert again.query_string == "areas=D1H&group=Burglary"


def test_held_states_kept_over_drawn_defaults_unless_the_server_sets_them() -> None:
    run = _read(_run_of_one_page())
    held = {"w-group": string_state("w-group", "Drugs"), "w-areas": string_state("w-areas", "stale"),
            "w-gone": string_state("w-gone", "x")}
    kept = keep_states(held, run)
    assert set(kept) == {"w-group", "w-view", "w-types", "w-areas"}  # a widget not drawn this run is dropped
    assert kept["w-group"].string_value == "Drugs"  # the client's choice, not the drawn default "Burglary"
    assert kept["w-view"].string_value == "Map"  # new: its drawn value
    assert list(kept["w-areas"].string_array_value.data) == ["Grovehill (D1H)"]  # set by the server


def test_rerun_msg_carries_the_client_state() -> None:
    back = BackMsg()
    back.ParseFromString(rerun_msg("areas=D1F", page_script_hash="h-trends",
                                   states=[string_state("w-group", "Drugs")]))
    assert back.WhichOneof("type") == "rerun_script"
    assert back.rerun_script.query_string == "areas=D1F"
    assert back.rerun_script.page_script_hash == "h-trends"
    assert [(w.id, w.WhichOneof("value"), w.string_value) for w in back.rerun_script.widget_states.widgets] == [
        ("w-group", "string_value", "Drugs")]


def test_own_filter_problems() -> None:
    run = Run(query_string="areas=D1H&group=Burglary",
              texts=["Where to look: Burglary", "288 crimes (selected beats only: D1H)"])
    assert own_filter_problems(run, "s0", group="Burglary", code="D1H", page="Overview") == []
    other = own_filter_problems(run, "s0", group="Drugs", code="D1F", page="Overview")
    assert len(other) == 3  # query string, group text, area text
    assert other[0].startswith("s0: query string 'areas=D1H&group=Burglary', chose group 'Drugs' area D1F")
    # Pages that do not name the group are checked on the query string only.
    assert own_filter_problems(Run(query_string="areas=D1H&group=Drugs"), "s0", group="Drugs", code="D1H",
                               page="Methods") == []
    assert own_filter_problems(Run(query_string=None), "s0", group="Drugs", code="D1H", page="Data") == [
        "s0: query string None, chose group 'Drugs' area D1H"]


def test_widget_state_of_a_selectbox_is_its_option_text() -> None:
    state = string_state("w", "Vehicle crime")
    assert isinstance(state, WidgetState) and state.WhichOneof("value") == "string_value"


def _run_catching(coroutine: Callable[[], Coroutine[Any, Any, None]], failure: list[BaseException]) -> None:
    try:
        asyncio.run(coroutine())
    except BaseException as exc:  # re-raised in the test's thread
        failure.append(exc)


@pytest.mark.slow
def test_two_real_sessions_on_the_overview() -> None:
    """A real server on loopback: two websocket sessions at once, each its own area (D1A, D1B) and group
    (session 0 the first, Burglary; session 1 the third, Drugs: 5 * 1 % 3), each checked on its own."""
    from benchmarks.load import AREAS, Level, Server

    server = Server()
    try:
        level = Level(sessions=2)

        async def both() -> None:
            await asyncio.gather(*[  # once: the first load, then one group change each
                session(server.url, i, float("inf"), level, 120, groups=["Burglary", "Robbery", "Drugs"],
                        areas=AREAS, pages=["Overview"], once=True)
                for i in range(2)])

        # a thread of its own: the browser tests' Playwright may leave an event loop running in this one
        failure: list[BaseException] = []
        worker = threading.Thread(target=lambda: _run_catching(both, failure))
        worker.start()
        worker.join()
        if failure:
            raise failure[0]
    finally:
        server.stop()
    assert level.failures == [] and level.errors == [] and level.mixups == []
    assert len(level.first_load_s) == 2 and len(level.rerun_s) == 2
    assert level.pages_seen == {"Overview"}


def test_report_states_the_client_and_the_verdicts(tmp_path) -> None:
    from benchmarks.load import Level, marker, report, write_section

    meta = {"date": "2026-12-03 13:00 UTC", "cpus": 2, "load_start": "(1.00, 1.00, 1.00)",
            "load_end": "(2.00, 2.00, 2.00)", "seconds": 60.0, "idle_mb": 54.0, "warm_mb": 500.0,
            "client": "ws", "think_s": 0.0}
    ten = Level(sessions=10, rerun_s=[5.0, 1.0, 4.0, 2.0, 3.0], peak_mb=600.0, wall_s=60.0, server_cpu_s=30.0)
    thirty = Level(sessions=30, rerun_s=[1.0], peak_mb=800.0, wall_s=60.0, server_cpu_s=60.0,
                   pages_seen={"Overview", "Hotspots", "Trends", "Priorities", "Data", "Methods"})
    text = report([ten, thirty], meta)
    assert "websocket (Streamlit protocol, `--client ws`, the default)" in text
    # p95 of 1..5 s, interpolated between closest ranks: rank 0.95 * 4 = 3.8, 4.0 + 0.8 * (5.0 - 4.0) = 4.8 s
    assert "| p95 filter-change rerun < 2 s at 10 sessions | 4.80 s | **missed** |" in text
    assert "| 10 | 5 | 3.00 s | 4.80 s | 5.00 s |" in text  # p50 of 1..5 is 3
    # (800 - 600) / (30 - 10) = 10 MB per extra session
    assert "10.0 MB per session (peak 600 MB at 10, 800 MB at 30) | **met** |" in text
    assert marker(meta) == "load" and marker({**meta, "think_s": 5.0}) == "load-think"
    out = tmp_path / "RESULTS.md"
    write_section(out, text, "load")
    write_section(out, report([ten], {**meta, "think_s": 5.0}), "load-think")
    write_section(out, text, "load")  # replaces its own section only
    body = out.read_text()
    assert body.count("<!-- load:start") == 1 and body.count("<!-- load-think:start") == 1
    assert "5 s think time" in body


def test_replicas_have_their_own_section_and_say_how_sessions_are_placed() -> None:
    from benchmarks.load import Level, Replicas, marker, report

    meta = {"date": "2026-12-04 19:00 UTC", "cpus": 2, "load_start": "(1.00, 1.00, 1.00)",
            "load_end": "(2.00, 2.00, 2.00)", "seconds": 60.0, "idle_mb": 108.0, "warm_mb": 1000.0,
            "client": "ws", "think_s": 0.0, "replicas": 2}
    assert marker(meta) == "load-replicas2" and marker({**meta, "think_s": 5.0}) == "load-think-replicas2"
    assert marker({**meta, "replicas": 1}) == "load"
    text = report([Level(sessions=10, rerun_s=[1.0], peak_mb=1200.0, wall_s=60.0, server_cpu_s=90.0)], meta)
    assert "2 replicas)" in text and "- 2 servers (replicas" in text and "sticky" in text
    assert "One server" not in text
    with pytest.raises(ValueError, match="replicas"):
        Replicas(0)
