"""ruff (lint and format) and mypy on futuramon/, and ruff and mypy --strict on the shipped specs/, are part of
the test suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "futuramon", "tests", "bench"],
        ["ruff", "format", "--check", "futuramon", "tests", "bench"],
        ["mypy", "futuramon", "bench"],
        ["ruff", "check", "specs"],
        ["mypy", "--strict", "specs"],
    ],
    ids=["ruff-check", "ruff-format", "mypy", "ruff-check-specs", "mypy-specs"],
)
def test_code_quality(command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_names_a_mistyped_field_in_a_spec(tmp_path: Path) -> None:
    """The DSL is typed: a misspelled or mistyped field is a mypy error in the spec, before anything runs."""
    spec = tmp_path / "spec.py"
    spec.write_text(
        "from futuramon.dsl import Query, Panel\n\n"
        'PANEL = Panel(title="Up", kind="stat", queries=(Query(expr="up"),), widht=6)\n'
        "QUERY = Query(expr=3)\n"
    )
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--config-file", str(ROOT / "pyproject.toml"),
                           str(spec)], capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert done.returncode == 1
    assert 'spec.py:3: error: Unexpected keyword argument "widht" for "Panel"; did you mean "width"?' in done.stdout
    assert 'spec.py:4: error: Argument "expr" to "Query" has incompatible type "int"; expected "str"' in done.stdout


def test_every_pre_commit_hook_passes_on_the_repository() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert [h["id"] for h in hooks] == ["ruff", "ruff-format", "mypy", "mypy-specs", "render-check"]
    for hook in hooks:
        files = [] if hook.get("pass_filenames") is False else ["futuramon", "tests", "specs"]
        if hook["id"] == "ruff-format":
            files = ["futuramon", "tests", "bench"]
        done = subprocess.run([*hook["entry"].split(), *files], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, f"{hook['id']}: {done.stdout}{done.stderr}"
