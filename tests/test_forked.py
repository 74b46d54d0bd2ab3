"""The forked child that loads the specs works while futuramon does something else meanwhile (imports the
renderers), and is stopped when that fails."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from futuramon import forked


def _announce(path: Path, text: str) -> None:
    """Write `path` whole: it appears with its text or not at all (a reader never sees it empty)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.rename(path)


def _wait_for(path: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(path)
        time.sleep(0.01)


def test_the_child_works_while_the_parent_runs_meanwhile(tmp_path: Path) -> None:
    asked, answered = tmp_path / "asked", tmp_path / "answered"

    def work(note: forked.Note) -> str:
        _wait_for(asked)  # written by the parent's meanwhile: both run at once, or this times out
        _announce(answered, "child")
        return "loaded"

    def meanwhile() -> None:
        _announce(asked, "parent")
        _wait_for(answered)

    assert forked.run(work, meanwhile) == "loaded"


def test_a_failing_meanwhile_stops_the_child_and_is_raised(tmp_path: Path) -> None:
    started = tmp_path / "child-pid"

    def work(note: forked.Note) -> None:
        _announce(started, str(os.getpid()))
        time.sleep(600)

    def meanwhile() -> None:
        _wait_for(started)
        raise RuntimeError("the renderers could not be imported")

    began = time.monotonic()
    with pytest.raises(RuntimeError, match="the renderers could not be imported"):
        forked.run(work, meanwhile)
    assert time.monotonic() - began < 30
    with pytest.raises(ProcessLookupError):  # stopped and reaped, not left sleeping
        os.kill(int(started.read_text()), 0)


def test_ctrl_c_reaching_the_child_before_it_handles_it_stays_in_the_child() -> None:
    """A Ctrl-C that reaches the child right after the fork, before its own handlers are in place, stops the
    child's work as any other: it never unwinds the parent's stack in the child (which would run the parent's
    code twice: its messages, its clean-up)."""
    script = (
        "import os, signal\n"
        "from futuramon import forked\n"
        "parent = os.getpid()\n"
        "os.register_at_fork(after_in_child=lambda: os.kill(os.getpid(), signal.SIGINT))\n"
        "try:\n"
        "    print('returned', forked.start(lambda note: 'done').result(), flush=True)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted in the parent' if os.getpid() == parent else 'interrupted in the child', flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "interrupted in the parent\n"), done.stderr
