"""`render` and `list` run without typer, their specs loading from the start, only when the command line is
certain; either way a command does what it says."""

from __future__ import annotations

import inspect
import shutil
import subprocess
import sys
from enum import StrEnum
from pathlib import Path

import pytest

from futuramon import cli, commands
from futuramon.preload import _CHOICES, _FLAGS, _OPTIONS, _PATHS, read

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
    line = read(command_line.split())
    assert (line.specs if line else None) == (Path(folder) if folder else None)


def test_a_certain_command_line_reads_as_typer_reads_it() -> None:
    line = read(["--debug", "render", "--specs=x", "--out", "y", "-e", "staging", "-f", "json", "--check"])
    assert line is not None and line.debug
    assert (line.command, line.arguments) == (
        "render",
        {"specs": Path("x"), "out": Path("y"), "env": "staging", "output_format": "json", "check": True},
    )
    assert read(["list", "routes"]) == read(["list", "routes"]) is not None


@pytest.mark.parametrize("command", ["render", "list"])
def test_the_options_read_early_are_those_typer_declares_with_the_same_defaults(command: str) -> None:
    """One command line, one meaning: the options read early, their parameters and defaults are typer's."""
    import typer.main

    declared = typer.main.get_command(cli.app).commands[command].params  # type: ignore[attr-defined]
    options = {o: p.name for p in declared if p.param_type_name == "option" for o in p.opts}
    assert options == _OPTIONS[command]
    for p in declared:  # each read as typer reads it: a flag, a path, one of its choices, or a string
        kind = p.type_descriptor.annotation
        info = p.type_descriptor.parameter_info
        assert (p.envvar, p.callback, p.multiple, p.nargs, info.exists, info.resolve_path) == (None, None, False, 1,
                                                                                             False, False)  # fmt: skip
        assert (p.param_type_name == "option" and p.is_flag) == (p.name in _FLAGS)
        assert (kind is Path) == (p.name in _PATHS)
        assert ({m.value for m in kind} if isinstance(kind, type) and issubclass(kind, StrEnum) else None) == (
            _CHOICES.get(p.name)
        )
    direct = inspect.signature(commands.list_ if command == "list" else commands.render).parameters
    assert {p.name: p.default for p in declared} == {
        n: (p.default.value if isinstance(p.default, StrEnum) else p.default)
        for n, p in direct.items()
        if p.default is not inspect.Parameter.empty
    } | ({"what": None} if command == "list" else {})


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
