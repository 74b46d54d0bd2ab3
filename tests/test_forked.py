"""The forked child that loads the specs works while futuramon does something else meanwhile (imports the
renderers), and is stopped when that fails."""

from __future__ import annotations

import os
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
