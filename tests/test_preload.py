"""`render` and `list` start loading their specs before typer parses the command line, only when the command
line says for certain which folder; either way a command does what it says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from futuramon.preload import specs_folder

from .conftest import ROOT, SPECS, Cli


@pytest.mark.parametrize(
    ("command_line", "folder"),
    [
        ("render", "specs"),
        ("--debug render --check", "specs"),
        ("render --specs=x --out y -e staging -f json", "x"),
        ("list alerts -s x", "x"),
        ("list environments --env=staging --specs x", "x"),
        ("list", None),  # typer says what is missing
        ("list alerts panels", None),
        ("render --help", None),
        ("render -f yaml", None),  # not a format: typer refuses it
        ("render --specs a --specs b", None),
        ("render --specs", None),
        ("render --specs --out", None),
        ("render --check=yes", None),
        ("validate --specs x", None),
        ("list alerts --format json", None),  # not an option of list
    ],
)
def test_the_specs_folder_is_read_only_when_certain(command_line: str, folder: str | None) -> None:
    assert specs_folder(command_line.split()) == (Path(folder) if folder else None)


def _futuramon(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "futuramon", *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_a_command_loaded_early_says_what_it_says_when_loaded_after_parsing(cli: Cli, tmp_path: Path) -> None:
    specs = tmp_path / "my-specs"
    shutil.copytree(SPECS, specs)
    early = _futuramon("list", "alerts", f"--specs={specs}")
    assert (early.returncode, early.stderr) == (0, "")
    assert early.stdout == cli("list", "alerts", "--specs", specs)[1]


def test_a_command_line_typer_refuses_runs_no_spec_module(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    (specs / "zz_says.py").write_text("print('a spec module ran')\n")
    refused = _futuramon("render", "--specs", specs, "--bogus", cwd=tmp_path)
    assert refused.returncode == 2
    assert "a spec module ran" not in refused.stdout + refused.stderr
    ran = _futuramon("list", "environments", "--specs", specs, cwd=tmp_path)
    assert (ran.returncode, ran.stdout.splitlines()[0]) == (0, "a spec module ran")
