"""ui/navigation.py: the legacy pages/ hand-over knows whether app.py is running the page."""

from __future__ import annotations

from pathlib import Path

from ui import navigation


def test_app_script_is_the_repository_app() -> None:
    root = Path(__file__).resolve().parents[2]
    assert root / "app.py" == navigation.APP_SCRIPT and navigation.APP_SCRIPT.is_file()


def test_a_page_run_outside_app_py_is_not_run_by_app() -> None:
    assert navigation.run_by_app() is False


def test_a_call_from_a_frame_of_app_py_is_run_by_app(tmp_path: Path) -> None:
    # a function compiled with app.py's file name puts a frame of "app.py" on the stack
    code = compile("result = run_by_app()", str(navigation.APP_SCRIPT), "exec")
    scope: dict[str, object] = {"run_by_app": navigation.run_by_app}
    exec(code, scope)
    assert scope["result"] is True
