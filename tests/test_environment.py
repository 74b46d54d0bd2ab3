"""Bad environments: out/ unwritable or a file, a full disk, Ctrl-C, promtool/amtool missing, old or crashing.

Each leaves out/ exactly as it was, no temporary folder behind, and a clear message with its exit code.
"""

from __future__ import annotations

import builtins
import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from futuramon import tools

from .conftest import OUT, SPECS, Cli


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def old_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(OUT, out)
    (out / "production/runbooks/PodDown.md").write_text("an older render\n")
    return out


def _fail_on_write(monkeypatch: pytest.MonkeyPatch, after: int, raised: BaseException) -> None:
    """Let `after` files be written, then make the next open-for-writing fail like the OS would."""
    real_open = builtins.open
    written = {"count": 0}

    def faulty_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" in mode:
            written["count"] += 1
            if written["count"] > after:
                raise raised
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", faulty_open)


@pytest.mark.parametrize(
    ("raised", "code", "message"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), 3, "No space left on device"),
        (OSError(errno.EACCES, "Permission denied"), 3, "Permission denied"),
        (KeyboardInterrupt(), 130, "/out is as it was"),
    ],
    ids=["disk-full", "not-writable", "ctrl-c"],
)
def test_a_render_that_fails_midway_leaves_out_as_it_was(
    cli: Cli, old_out: Path, monkeypatch: pytest.MonkeyPatch, raised: BaseException, code: int, message: str
) -> None:
    before = _snapshot(old_out)
    _fail_on_write(monkeypatch, after=0, raised=raised)
    exit_code, _, stderr = cli("render", "--specs", SPECS, "--out", old_out)
    monkeypatch.undo()
    assert exit_code == code and message in stderr and "Traceback" not in stderr
    assert _snapshot(old_out) == before
    assert sorted(p.name for p in old_out.parent.iterdir()) == ["out"], "temporary folders must be removed"


def test_out_is_a_file(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder\n")
    code, _, stderr = cli("render", "--specs", SPECS, "--out", out)
    assert code == 3 and "is not a directory" in stderr
    assert out.read_text() == "not a folder\n"


def _fake_tool(folder: Path, name: str, script: str) -> None:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


def test_missing_tool_says_how_to_install(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUTURAMON_TOOLS", str(tmp_path / "empty"))
    code, _, stderr = cli("validate", "--specs", SPECS)
    assert code == 2 and "promtool is not installed" in stderr and "scripts/install-tools.sh" in stderr


def test_too_old_tool_is_refused(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_tool(tmp_path / "bin", "promtool", 'echo "promtool, version 2.42.0 (branch: debian)"')
    monkeypatch.setenv("FUTURAMON_TOOLS", str(tmp_path / "bin"))
    code, _, stderr = cli("validate", "--specs", SPECS)
    assert code == 2 and "is version 2.42, futuramon needs 2.53 or newer" in stderr


def test_crashing_tool_is_reported(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "bin"
    real = {name: tools.find(name) for name in ("promtool", "amtool")}
    _fake_tool(folder, "amtool", f'exec "{real["amtool"]}" "$@"')
    _fake_tool(folder, "promtool", f'[ "$1" = --version ] && exec "{real["promtool"]}" --version; kill -SEGV $$')
    monkeypatch.setenv("FUTURAMON_TOOLS", str(folder))
    code, _, stderr = cli("validate", "--specs", SPECS, "--only", "promtool-check-rules")
    assert code == 2 and "promtool crashed (signal 11)" in stderr


def test_validate_leaves_no_temporary_files(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    code, _, _ = cli("validate", "--specs", SPECS, "--only", "alert-tests", "--only", "route-tests")
    assert code == 0
    assert os.listdir(tmp_path) == []


def test_ctrl_c_during_validate(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from futuramon import validate as validate_module

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_module.writer, "changes", interrupted)
    code, _, stderr = cli("validate", "--specs", SPECS, "--only", "drift")
    assert code == 130 and "interrupted" in stderr
    assert os.listdir(tmp_path) == []


def test_drill_without_alertmanager_says_how_to_install(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUTURAMON_TOOLS", str(tmp_path / "empty"))
    code, _, stderr = cli("drill", "RedisDown", "--specs", SPECS)
    assert code == 2 and "is not installed" in stderr and "scripts/install-tools.sh" in stderr
