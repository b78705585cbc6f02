"""The Dockerfile runs what the README runs, and compose.yaml has its healthcheck, volume and secret.

The README's two commands are make targets (`make run`, `make test`); the Makefile's recipes are the
README's install and run commands. The image must install the same requirements file and start the same
entry point with the same flags, plus only the flags a container needs to be reachable (docs/deploy.md).
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _logical_lines(text: str) -> list[str]:
    """Lines with backslash continuations joined and comments dropped."""
    out, buf = [], ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not buf and line.lstrip().startswith("#"):
            continue
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        out.append((buf + line).strip())
        buf = ""
    return [x for x in out if x]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) for each instruction of the Dockerfile."""
    text = (ROOT / "Dockerfile").read_text()
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1] if " " in ln else "") for ln in _logical_lines(text)]


def makefile_recipes() -> dict[str, list[str]]:
    """Target -> recipe lines, with $(PY) read as `python`."""
    recipes: dict[str, list[str]] = {}
    target = None
    for raw in (ROOT / "Makefile").read_text().splitlines():
        if raw.startswith("\t") and target is not None:
            recipes[target].append(raw.strip().replace("$(PY)", "python"))
        elif re.match(r"^[^\s#=]+:(?!=)", raw):
            target = raw.split(":", 1)[0]
            recipes[target] = []
            recipes[target + " deps"] = raw.split(":", 1)[1].split()
        elif raw.strip() and not raw.startswith("\t"):
            target = None
    return recipes


def pip_requirements(command: str) -> list[str]:
    """The files after -r in a `python -m pip install` command."""
    words = shlex.split(command)
    assert words[:4] == ["python", "-m", "pip", "install"], command
    return [words[i + 1] for i, w in enumerate(words) if w == "-r"]


def streamlit_run(words: list[str]) -> tuple[str, dict[str, str]]:
    """(script, {flag: value}) of `python -m streamlit run SCRIPT --flag value ...`."""
    assert words[:4] == ["python", "-m", "streamlit", "run"], words
    flags = words[5:]
    assert len(flags) % 2 == 0 and all(f.startswith("--") for f in flags[::2]), flags
    return words[4], dict(zip(flags[::2], flags[1::2], strict=True))


def readme_make_targets() -> list[str]:
    """The make targets of the README's "Two commands" block."""
    text = (ROOT / "README.md").read_text()
    block = text.split("## Two commands", 1)[1].split("```", 2)[1]
    return re.findall(r"^make (\w+)", block, flags=re.M)


def test_readme_two_commands_are_make_targets():
    targets = readme_make_targets()
    assert targets == ["run", "test"]
    recipes = makefile_recipes()
    assert all(t in recipes for t in targets)
    # the load test is heavy and not part of make test
    assert "load" in recipes and "load" not in recipes["test deps"]


def test_dockerfile_installs_the_readmes_requirements():
    recipes = makefile_recipes()
    make_install = [ln for ln in recipes["$(STAMP)"] if " pip install " in ln]
    assert len(make_install) == 1
    docker_install = [a for i, a in dockerfile_instructions() if i == "RUN" and " pip install " in a]
    assert len(docker_install) == 1
    assert pip_requirements(docker_install[0]) == pip_requirements(make_install[0]) == ["requirements.txt"]
    copies = [a.split() for i, a in dockerfile_instructions() if i == "COPY"]
    assert ["requirements.txt", "."] in copies  # copied before the install, so the layer is cached


def test_dockerfile_runs_the_readmes_entry_point_and_flags():
    make_run = makefile_recipes()["run"]
    assert len(make_run) == 1
    make_script, make_flags = streamlit_run(shlex.split(make_run[0]))
    cmds = [a for i, a in dockerfile_instructions() if i == "CMD"]
    assert len(cmds) == 1
    docker_script, docker_flags = streamlit_run(json.loads(cmds[0]))
    assert docker_script == make_script == "app.py"
    assert make_flags == {"--server.headless": "true", "--browser.gatherUsageStats": "false"}
    # the README's flags, plus only what a container needs: every interface, a fixed port, no watcher
    assert docker_flags == {
        **make_flags, "--server.address": "0.0.0.0", "--server.port": "8501", "--server.fileWatcherType": "none",
    }


def test_dockerfile_user_healthcheck_and_port():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    users = [a for i, a in instructions if i == "USER"]
    assert users and users[-1] not in ("root", "0")
    health = [a for i, a in instructions if i == "HEALTHCHECK"]
    assert len(health) == 1 and "http://127.0.0.1:8501/_stcore/health" in health[0]
    assert ("EXPOSE", "8501") in instructions
    envs = " ".join(a for i, a in instructions if i == "ENV")
    assert "CSP_DATA_DIR=/data" in envs


def test_dockerignore_keeps_secrets_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".streamlit/secrets.toml", "csp.toml", ".git", ".venv/"):
        assert path in ignored


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_healthcheck_volume_and_secret(compose):
    (name, service), = compose["services"].items()
    assert service["build"] == "."
    assert any("/_stcore/health" in part for part in service["healthcheck"]["test"])
    data_dir = service["environment"]["CSP_DATA_DIR"]
    assert data_dir == "/data"
    volume, _, target = next(v for v in service["volumes"] if v.endswith(":" + data_dir)).partition(":")
    assert target == data_dir and volume in compose["volumes"]  # a named volume, not a host folder
    (secret,) = service["secrets"]
    assert secret["target"] == "/app/.streamlit/secrets.toml"
    assert "file" in compose["secrets"][secret["source"]]
    assert all(p.startswith("127.0.0.1:") for p in service["ports"]), name  # the proxy faces the world


def test_streamlit_config_skips_the_full_gc_after_each_rerun():
    """runner.postScriptGC = false: Streamlit's gc.collect(2) after every rerun was ~45% of the server's
    GIL time under 10 sessions (docs/performance.md, "The third pass"); the image ships the same config."""
    from csp_data.io.toml import read_toml

    cfg = read_toml(ROOT / ".streamlit" / "config.toml", what="Streamlit config")
    assert cfg["runner"]["postScriptGC"] is False
    assert ".streamlit/config.toml" not in (ROOT / ".dockerignore").read_text().split()


# --- the image rehearsed without Docker -------------------------------------------------------------
# No Docker daemon on the development machines (docs/deploy.md, "Verified without Docker"): the test below does what the
# image does with the parts a machine without Docker has: the build context as .dockerignore leaves it,
# the Dockerfile's ENV, CMD and HEALTHCHECK, on this checkout's interpreter (the same requirements.txt).


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    assert not any(p.startswith("!") for p in patterns), "exceptions (!) are not handled by this rehearsal"
    return [p.rstrip("/") for p in patterns]


def _docker_regex(pattern: str) -> re.Pattern[str]:
    """Docker's .dockerignore glob as a regex: ``**`` any folders (none too), ``*`` and ``?`` never cross
    a ``/``, other characters literal; the pattern must match a whole path."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def ignored(rel: str, patterns: list[str]) -> bool:
    """Docker's rule for a context path: a pattern (leading ``/`` dropped) matches the path or one of its
    parent folders."""
    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    regexes = [_docker_regex(p.lstrip("/")) for p in patterns]
    return any(r.match(p) for r in regexes for p in prefixes)


def repository_files() -> list[str]:
    """The files of a fresh clone (git's tracked files), or every file when this is not a git checkout."""
    import os
    import subprocess

    if (ROOT / ".git").exists():
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        return sorted(f for f in out.decode().split("\0") if f and (ROOT / f).is_file())
    return sorted(Path(top, n).relative_to(ROOT).as_posix() for top, _d, names in os.walk(ROOT) for n in names)


def copy_context(dest: Path) -> list[str]:
    """Copy the build context of a fresh clone (the repository's files less what .dockerignore drops) to
    ``dest``; its files."""
    import shutil

    patterns = dockerignore_patterns()
    files = [f for f in repository_files() if not ignored(f, patterns)]
    for f in files:
        (dest / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dest / f)
    return files


def test_dockerignore_rule_reads_folders_and_globs():
    pats = ["**/__pycache__", "**/*.pyc", "*.md", ".venv", "out", "/.streamlit/secrets.toml"]
    assert ignored("csp_data/__pycache__/x.cpython-311.pyc", pats) and ignored("__pycache__", pats)
    assert ignored("a.pyc", pats) and ignored("csp_data/io/a.pyc", pats)
    assert ignored("README.md", pats) and not ignored("docs/deploy.md", pats)  # * never crosses a /
    assert ignored(".venv/bin/python", pats) and ignored("out/x.pdf", pats)
    assert ignored(".streamlit/secrets.toml", pats) and not ignored(".streamlit/config.toml", pats)
    assert not ignored("outline.txt", pats) and not ignored("csp_data/io/out.py", pats)


def test_what_git_ignores_stays_out_of_the_image():
    """Local state git keeps out of the repository (environments, caches, secrets, stores, an adopted
    MSG) is not in the build context either, so an image is the same whoever builds it."""
    import subprocess

    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: git's ignored files cannot be listed")
    out = subprocess.run(["git", "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"],
                         cwd=ROOT, capture_output=True, check=True).stdout
    local = [f.rstrip("/") for f in out.decode().split("\0") if f]
    patterns = dockerignore_patterns()
    assert [f for f in local if not ignored(f, patterns)] == []
    # and the patterns that keep secrets and local stores out are there whether or not such files exist now
    for path in (".streamlit/secrets.toml", "csp.toml", "secrets/x.toml", ".csp_store/a.parquet",
                 ".csp_data/lib.toml", "data/adopted_msg.toml"):
        assert ignored(path, patterns), path


@pytest.mark.slow
def test_the_image_context_serves_the_app(tmp_path):
    """The image's files, environment, command and healthcheck, run without Docker: the app starts from
    the context alone, the healthcheck passes, a session's Overview renders with no error, and nothing is
    written outside the data directory and the Parquet store folder (the only paths the image's user owns).
    """
    import asyncio
    import subprocess
    import sys
    import threading

    from benchmarks.load import free_port
    from benchmarks.load_ws import Session
    from csp_data.tools.serve import wait_until_healthy

    app, data = tmp_path / "app", tmp_path / "data"
    app.mkdir()
    data.mkdir()
    files = copy_context(app)
    for needed in ("app.py", "requirements.txt", ".streamlit/config.toml", "csp_data/__init__.py"):
        assert needed in files
    assert not any(f.startswith((".git/", ".venv/")) or f == ".streamlit/secrets.toml" for f in files)
    def state() -> dict[str, tuple[int, int]]:
        return {p.relative_to(app).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in app.rglob("*")}

    before = state()

    instructions = dockerfile_instructions()
    env_words = shlex.split(" ".join(a for i, a in instructions if i == "ENV"))
    image_env = dict(w.split("=", 1) for w in env_words)
    assert image_env["CSP_DATA_DIR"] == "/data"
    port = str(free_port())
    cmd = json.loads(next(a for i, a in instructions if i == "CMD"))
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    flags.update({"--server.port": port, "--server.address": "127.0.0.1"})  # loopback here, 0.0.0.0 in a container
    argv = [sys.executable, *cmd[1:5], *[x for kv in flags.items() for x in kv]]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **image_env, "CSP_DATA_DIR": str(data)}
    log = open(tmp_path / "streamlit.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(argv, cwd=app, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        assert wait_until_healthy(url, proc, 120), (tmp_path / "streamlit.log").read_text()[-2000:]
        health = next(a for i, a in instructions if i == "HEALTHCHECK")
        check = json.loads(health.split(" CMD ", 1)[1])
        assert check[0] == "python"
        done = subprocess.run([sys.executable, *[c.replace("8501", port) for c in check[1:]]], timeout=30)
        assert done.returncode == 0

        result: dict[str, object] = {}

        async def overview() -> None:
            from websockets.asyncio.client import connect
            from websockets.typing import Subprotocol

            ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
            async with connect(ws_url, subprotocols=[Subprotocol("streamlit")], max_size=None) as ws:
                s = Session(ws, 120)
                await s.rerun(query_string="")
                result["errors"], result["texts"] = s.run.errors, s.run.texts

        # a thread of its own: the browser tests' Playwright may leave an event loop running in this one
        worker = threading.Thread(target=lambda: asyncio.run(overview()))
        worker.start()
        worker.join()
        assert result["errors"] == []
        assert any("All crime" in t for t in result["texts"])  # the Overview of the shipped demo dataset
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    after = state()
    changed = {p for p in after.keys() | before.keys() if before.get(p) != after.get(p)}
    assert {p for p in changed if not p.startswith(".csp_store")} == set()  # nothing written, changed or removed
