"""The commands as a user runs them: output, exit codes, render --check as the CI drift gate."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from futuramon import __version__, writer

from .conftest import OUT, ROOT, SPECS, Cli


@pytest.mark.parametrize("what", ["alerts", "panels", "routes", "environments"])
def test_list_prints_a_table(cli: Cli, golden: Callable[[str, str], None], what: str) -> None:
    code, out, _ = cli("list", what, "--specs", SPECS)
    assert code == 0
    golden(f"list-{what}.txt", out)


def test_version_and_help(cli: Cli) -> None:
    assert cli("--version")[:2] == (0, f"futuramon {__version__}\n")
    code, out, _ = cli("--help")
    assert code == 0 and "Exit codes" in out and "render" in out


def test_render_writes_out_and_check_is_clean(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = cli("render", "--specs", SPECS, "--out", out)
    assert code == 0 and "rendered" in stdout
    assert (out / "production/k8s/prometheus/alert-rules.yaml").is_file()
    assert (out / "staging/k8s/prometheus/alert-rules.yaml").is_file()
    code, stdout, _ = cli("render", "--check", "--specs", SPECS, "--out", out)
    assert code == 0 and "up to date" in stdout


def test_check_on_a_tampered_out_prints_a_diff_and_fails(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(OUT, out)
    rules = out / "production/prometheus/alert-rules.yaml"
    rules.write_text(rules.read_text().replace("> 10\n", "> 20\n", 1))
    (out / "production/k8s/grafana/dashboard-configmap.yaml").unlink()
    (out / "leftover.yaml").write_text("old: file\n")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, stdout, stderr = cli("render", "--check", "--specs", SPECS, "--out", out)
    assert code == 1
    assert '-        expr: sum by (cluster, service) (rate(http_requests_total{status=~"5.."}[5m])) > 20' in stdout
    assert '+        expr: sum by (cluster, service) (rate(http_requests_total{status=~"5.."}[5m])) > 10' in stdout
    assert "--- /dev/null" in stdout and "out/leftover.yaml" not in stdout
    assert "+++ out/production/k8s/grafana/dashboard-configmap.yaml (rendered)" in stdout
    assert f"{out}/production is stale: 2 files to update" in stderr and f"{out}/staging is up to date" in stderr
    assert "stale" in stderr and "leftover.yaml: futuramon did not write it; it is kept" in stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before, "--check must write nothing"


def test_render_removes_files_no_longer_generated(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    writer.write({"runbooks/RetiredAlert.md": "# gone\n", "retired/Only.md": "# gone too\n"}, out)
    assert cli("render", "--specs", SPECS, "--out", out)[0] == 0
    assert not (out / "runbooks/RetiredAlert.md").exists() and not (out / "retired").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no temporary folder may be left behind"


def test_console_script_exit_code_on_stale_out(tmp_path: Path) -> None:
    """The installed `futuramon` command, as CI runs it."""
    out = tmp_path / "out"
    exe = Path(sys.executable).parent / "futuramon"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        [exe, "render", "--check", "--specs", SPECS, "--out", out], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr


def test_a_reader_that_stopped_reading_is_exit_141_not_a_bug() -> None:
    """`futuramon list alerts | head -0`: its output has nowhere to go, as a shell reports a process SIGPIPE
    ended (141), not as a bug in futuramon (70), and without a traceback."""
    reading, writing = os.pipe()
    os.close(reading)
    try:
        done = subprocess.run([sys.executable, "-m", "futuramon", "list", "alerts", "--specs", SPECS], stdout=writing,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT)  # fmt: skip
    finally:
        os.close(writing)
    assert (done.returncode, done.stderr) == (141, "")


def test_ctrl_c_that_python_wraps_while_an_import_creates_a_class_is_a_clean_exit_130() -> None:
    """Ctrl-C arriving while an import calls a class's `__set_name__` reaches futuramon as a RuntimeError caused
    by the KeyboardInterrupt: still the clean exit 130, no traceback."""
    wrapped = (
        "import sys; from futuramon import __main__ as m, preload\n"
        "def stop(arguments): raise RuntimeError('Error calling __set_name__') from KeyboardInterrupt()\n"
        "preload.read = stop; sys.argv = ['futuramon', 'list', 'alerts']; m.main()"
    )
    done = subprocess.run([sys.executable, "-c", wrapped], capture_output=True, text=True, cwd=ROOT)
    assert (done.returncode, done.stderr) == (130, "interrupted: nothing was changed\n")


def test_check_sees_carriage_returns_exactly(tmp_path: Path) -> None:
    """--check compares bytes: a \\r in rendered text must not read back as a newline (found by hypothesis)."""
    files = {"a.txt": "one\rtwo\r\nthree\n"}
    writer.write(files, tmp_path / "out")
    assert writer.diff(files, tmp_path / "out") == ""


def test_a_terminal_that_cannot_show_a_character_still_gets_the_table() -> None:
    """An ASCII locale: what the terminal cannot encode (the → of a renamed dashboard) comes as UTF-8, as
    typer's echo wrote it, never 'a bug in futuramon'."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run([sys.executable, "-m", "futuramon", "list", "environments", "--specs", SPECS],
                          capture_output=True, cwd=ROOT, env=env)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, b"")
    assert "futuratickets-overview → futuratickets-staging-overview".encode() in done.stdout
