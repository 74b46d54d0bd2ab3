"""Start-up: each command imports only what it uses (the timings are the bench's, `python -m bench.run`).

`--help` loads no specs, `list` renders nothing, and only `validate` and `drill` import what only they need
(schemas, tools, HTTP): counted from `python -X importtime`, in every process the command starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

RENDERERS = {"futuramon.render.outputs", "grafana_foundation_sdk", "jinja2", "futuramon.writer"}
VALIDATE_AND_DRILL = {"futuramon.validate", "futuramon.checks", "futuramon.crds", "futuramon.tools", "futuramon.drill",
                      "futuramon.live", "jsonschema", "kubernetes_validate", "http.server", "urllib.request",
                      "prometheus_client"}  # fmt: skip


def _imported(*command: str) -> set[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "futuramon", *command],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_help_loads_no_spec_and_no_model() -> None:
    imported = _imported("--help")
    assert imported & {"futuramon.model", "futuramon.loader", "yaml", *RENDERERS, *VALIDATE_AND_DRILL} == set()


@pytest.mark.parametrize("what", ["alerts", "environments"])
def test_list_renders_nothing_and_starts_no_tool(what: str) -> None:
    imported = _imported("list", what)
    assert "futuramon.model" in imported  # it did load the specs
    assert imported & (RENDERERS | VALIDATE_AND_DRILL) == set()


def test_render_imports_nothing_only_validate_or_drill_need(tmp_path: Path) -> None:
    imported = _imported("render", "--out", str(tmp_path / "out"))
    assert imported >= RENDERERS  # it did render and write
    assert imported & VALIDATE_AND_DRILL == set()


@pytest.mark.parametrize("command", [["render", "--out", "{out}"], ["list", "alerts"], ["list", "environments"]])
def test_a_certain_render_or_list_never_imports_typer(command: list[str], tmp_path: Path) -> None:
    imported = _imported(*(word.format(out=tmp_path / "out") for word in command))
    assert not {name for name in imported if name == "typer" or name.startswith("typer.")}


def test_only_the_loaders_child_builds_validators() -> None:
    """The model's classes are defined without their validators; the loader's child, which validates the specs,
    builds them: rendering and listing in the parent only read objects, and build none (none of their
    cost, nor pydantic's plugin lookup, is paid before the child starts)."""
    script = (
        "import sys; from pathlib import Path\n"
        "from pydantic import BaseModel\n"
        "from futuramon import commands, model, pipeline\n"
        "built = pipeline.build(Path('specs'))\n"
        "commands._table(commands._environment_rows([e.stack for e in built.environments]))\n"
        "classes = [c for c in vars(model).values() if isinstance(c, type) and issubclass(c, BaseModel)]\n"
        "print(len(classes), sorted(c.__name__ for c in classes if c.__pydantic_complete__))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    count, complete = done.stdout.split(" ", 1)
    assert int(count) > 30 and complete.strip() == "[]"
