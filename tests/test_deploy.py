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
