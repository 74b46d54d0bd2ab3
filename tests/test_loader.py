"""Loading specs: no spec can end a run with an exit code of its choosing, every error keeps its own file
and line (through imports between spec modules, with relative or absolute --specs), and a hanging spec
can be interrupted with a message naming where it was."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SPECS, Cli


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the FuturaTickets specs in `project/specs`, with the current folder at `project`."""
    shutil.copytree(SPECS, tmp_path / "specs", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _insert(file: Path, before: str, text: str) -> int:
    """Put `text` on its own lines before the first line starting with `before`; the line number of `text`."""
    lines = file.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(before))
    file.write_text("".join([*lines[:index], text, *lines[index:]]))
    return index + 1


@pytest.mark.parametrize(
    ("command", "code"),
    [(("render", "--out", "out"), 2), (("render", "--check"), 2), (("validate",), 2), (("drill", "--all"), 2)],
    ids=["render", "render-check", "validate", "drill"],
)
def test_os_exit_0_in_a_spec_is_exit_2_for_every_command(project: Path, command: tuple[str, ...], code: int) -> None:
    line = _insert(project / "specs/runbooks.py", "HIGH_ERROR_RATE", "import os\nos._exit(0)\n")
    exe = Path(sys.executable).parent / "futuramon"
    done = subprocess.run([str(exe), *command], capture_output=True, text=True, cwd=project)
    assert done.returncode == code, done.stdout + done.stderr
    assert done.stderr == (
        f"error: specs/runbooks.py:{line + 1}: the spec module ends the run with os._exit(0): "
        "a spec module must only declare objects\n"
    )
    assert not (project / "out").exists()


def test_an_error_in_an_imported_module_names_that_module_with_relative_specs(cli: Cli, project: Path) -> None:
    line = _insert(project / "specs/runbooks.py", "HIGH_ERROR_RATE", "NS = namespace_of_the_api\n")
    code, _, stderr = cli("render", "--specs", "specs", "--out", "out")
    assert code == 2
    assert stderr == (
        f"error: specs/runbooks.py:{line}: NameError while importing the spec module: "
        "name 'namespace_of_the_api' is not defined\n"
    )


def test_a_key_error_keeps_its_line(cli: Cli, project: Path) -> None:
    line = _insert(project / "specs/alerts.py", "HighErrorRate = alert(", 'THRESHOLDS = {}["HighErrorRate"]\n')
    code, _, stderr = cli("render", "--specs", "specs", "--out", "out")
    assert code == 2 and stderr.startswith(f"error: specs/alerts.py:{line}: KeyError while importing")


def test_a_circular_import_names_spec_files_not_internal_packages(cli: Cli, project: Path) -> None:
    runbooks = project / "specs/runbooks.py"
    runbooks.write_text(runbooks.read_text() + "from .alerts import HighErrorRate\n")
    line = len(runbooks.read_text().splitlines())
    code, _, stderr = cli("render", "--specs", project / "specs", "--out", "out")
    assert code == 2
    assert stderr == (
        f"error: specs/runbooks.py:{line}: ImportError while importing the spec module: cannot import name "
        "'HighErrorRate' from alerts.py: it is not defined there, or not yet (spec modules that import each other "
        "see only what is defined above the import)\n"
    )
    assert "futuramon_specs" not in stderr


def test_absolute_imports_between_spec_modules_work(cli: Cli, project: Path) -> None:
    alerts = project / "specs/alerts.py"
    alerts.write_text(alerts.read_text().replace("from . import runbooks as rb", "from specs import runbooks as rb"))
    settings = project / "specs/settings.py"
    settings.write_text(settings.read_text() + "from specs.routing import ROUTING as _SAME_ROUTING\n")
    code, _, stderr = cli("render", "--specs", "specs", "--out", "out")
    assert code == 0, stderr
    assert cli("render", "--check", "--specs", SPECS, "--out", "out")[0] == 0, "the same render as the original"


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_hanging_spec_can_be_interrupted_and_is_named(project: Path, sent: signal.Signals) -> None:
    line = _insert(project / "specs/runbooks.py", "HIGH_ERROR_RATE", "import time\ntime.sleep(600)\n")
    exe = Path(sys.executable).parent / "futuramon"
    process = subprocess.Popen(
        [str(exe), "render", "--out", "out"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _children(process.pid):  # the spec is being loaded
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(sent)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stderr == f"interrupted while loading specs/runbooks.py:{line + 1}: nothing was changed\n"
    assert not (project / "out").exists()


def _children(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
