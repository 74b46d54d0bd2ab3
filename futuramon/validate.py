"""`validate`: render into memory, write once to a scratch folder, run the checks in parallel."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from futuramon import pipeline, tools, writer
from futuramon.checks import REGISTRY, Check, Context, Problem
from futuramon.errors import SpecError
from futuramon.pipeline import Rendered


def select(only: list[str], skip: list[str]) -> list[Check]:
    names = {check.name for check in REGISTRY}
    for name in [*only, *skip]:
        if name not in names:
            raise SpecError(f"unknown check {name!r}; `futuramon checks` lists them")
    return [c for c in REGISTRY if (not only or c.name in only) and c.name not in skip]


def validate(specs: Path, out: Path, checks: list[Check], strict: bool = False) -> list[Problem]:
    return check_rendered(pipeline.build(specs), specs, out, checks, strict)


def check_rendered(rendered: Rendered, specs: Path, out: Path, checks: list[Check], strict: bool = False
                   ) -> list[Problem]:  # fmt: skip
    """Run `checks` on a render already in memory; with `strict`, warnings are errors."""
    if any(check.needs_tools for check in checks):
        for name in ("promtool", "amtool"):
            tools.find(name)  # a missing or too old tool stops here, with how to install it
    with tempfile.TemporaryDirectory(prefix="futuramon-validate-") as scratch:
        workdir = Path(scratch) / "out"
        writer.write(rendered.files, workdir)
        context = Context(
            rendered.stack,
            rendered.files,
            workdir,
            specs,
            out.name,
            drift_states(rendered.files, out),
            tuple(writer.foreign(rendered.files, out)),
        )
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = pool.map(lambda check: check.run(context, strict), checks)
            problems = [problem for found in results for problem in found]
    return sorted(set(problems), key=lambda p: (p.path, p.severity != "error", p.line, p.check, p.message))


def drift_states(files: dict[str, str], out: Path) -> dict[str, str]:
    """How each file of `out` differs from the render, from the writer's own comparison."""
    return {
        relative: "is missing" if now is None else "is no longer rendered" if rendered is None else "is stale"
        for relative, (now, rendered) in writer.changes(files, out).items()
    }
