"""ruff (lint and format) and mypy on futuramon/ are part of the test suite."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "futuramon", "tests", "bench"],
        ["ruff", "format", "--check", "futuramon", "tests", "bench"],
        ["mypy", "futuramon", "bench"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_code_quality(command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
