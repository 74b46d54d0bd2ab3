"""A check's context built from a small spec, so each check's good and bad cases stay short."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from futuramon import writer
from futuramon.checks import REGISTRY, Check, Context, Problem
from futuramon.loader import load
from futuramon.render.outputs import render
from futuramon.validate import drift_states

from ..minimal_spec import MINIMAL

Run = Callable[..., list[Problem]]


def check(name: str) -> Check:
    return next(c for c in REGISTRY if c.name == name)


@pytest.fixture
def run_check(tmp_path: Path) -> Run:
    """run_check(name, (old, new), ..., files=..., spec=text) → the problems that check returns on the minimal spec
    (or `spec`) with each `old` text replaced by its `new` one (the bad case is written with futuramon.dsl, as a
    user would)."""

    def run(
        name: str,
        *replace: tuple[str, str],
        files: dict[str, str] | None = None,
        out: Path | None = None,
        strict: bool = False,
        spec: str = MINIMAL,
    ) -> list[Problem]:
        specs = tmp_path / "specs"
        specs.mkdir(exist_ok=True)
        text = spec
        for old, new in replace:
            assert old in text, old
            text = text.replace(old, new)
        (specs / "spec.py").write_text(text)
        (stack,) = load(specs)
        files = {**render(stack), **(files or {})}
        workdir = tmp_path / "work"
        writer.write(files, workdir)
        committed = out or workdir
        context = Context(
            stack,
            files,
            workdir,
            specs,
            committed.name,
            drift_states(files, committed),
            tuple(writer.foreign(files, committed)),
        )
        chosen = check(name)
        problems = chosen.run(context, strict)
        severity = "error" if strict else chosen.severity
        assert all(p.check == name and p.severity == severity for p in problems)
        return problems

    return run
