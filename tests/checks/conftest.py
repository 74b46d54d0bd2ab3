"""A check's context built from a small spec, so each check's good and bad cases stay short."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from futuramon import writer
from futuramon.checks import REGISTRY, Check, Context, Problem
from futuramon.loader import load
from futuramon.model import Stack
from futuramon.pipeline import Rendered
from futuramon.render.outputs import render

from ..minimal_spec import MINIMAL

Run = Callable[..., list[Problem]]


def minimal_stack(folder: Path) -> Stack:
    folder.mkdir()
    (folder / "spec.py").write_text(MINIMAL)
    return load(folder)


def check(name: str) -> Check:
    return next(c for c in REGISTRY if c.name == name)


@pytest.fixture
def run_check(tmp_path: Path) -> Run:
    """run_check(name, replace=(old, new), stack=..., files=..., spec=text) → the problems that check returns."""

    def run(
        name: str,
        replace: tuple[str, str] | None = None,
        stack: Stack | None = None,
        files: dict[str, str] | None = None,
        out: Path | None = None,
        spec: str = MINIMAL,
    ) -> list[Problem]:
        specs = tmp_path / "specs"
        specs.mkdir(exist_ok=True)
        text = spec if replace is None else spec.replace(*replace)
        assert replace is None or replace[0] in spec, replace
        (specs / "spec.py").write_text(text)
        stack = stack or load(specs)
        files = {**render(stack), **(files or {})}
        workdir = tmp_path / "work"
        writer.write(files, workdir)
        context = Context(Rendered(stack, files), workdir, out or workdir, specs)
        chosen = check(name)
        problems = chosen.run(context, chosen)
        assert all(p.check == name and p.severity == chosen.severity for p in problems)
        return problems

    return run
