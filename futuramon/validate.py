"""`validate`: render into memory, write once to a scratch folder, run the checks in parallel."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from futuramon import pipeline, tools, writer
from futuramon.checks import REGISTRY, Check, Context, Problem
from futuramon.errors import SpecError
from futuramon.pipeline import Build
from futuramon.render import outputs

# The rendered files the tools read from the scratch folder, as they are: the Alertmanager config and its templates
# (each check writes what else its tool reads, such as the rules a target loads, into a folder of its own).
TOOL_INPUTS = (outputs.ALERTMANAGER, outputs.TEMPLATES)


def select(only: list[str], skip: list[str]) -> list[Check]:
    names = {check.name for check in REGISTRY}
    for name in [*only, *skip]:
        if name not in names:
            raise SpecError(f"unknown check {name!r}; `futuramon checks` lists them")
    return [c for c in REGISTRY if (not only or c.name in only) and c.name not in skip]


def validate(
    specs: Path, out: Path, checks: list[Check], strict: bool = False, environment: str | None = None
) -> list[Problem]:
    """Every check on every environment (or the one named)."""
    return check_rendered(pipeline.build(specs, environment), specs, out, checks, strict)


def check_rendered(built: Build, specs: Path, out: Path, checks: list[Check], strict: bool = False
                   ) -> list[Problem]:  # fmt: skip
    """Run `checks` on each environment of a render already in memory; with `strict`, warnings are errors."""
    if any(check.needs_tools for check in checks):
        targets = dict.fromkeys(e.stack.environment.target for e in built.environments)
        for name in dict.fromkeys(tool for target in targets for tool in tools.needed(target)):
            tools.find(name)  # a missing or too old tool stops here, with how to install it
    files = pipeline.committed(built, out)
    drift, foreign = drift_states(files, out), writer.foreign(files, out)
    roots = [e.root for e in built.environments]
    with tempfile.TemporaryDirectory(prefix="futuramon-validate-") as scratch:
        contexts = []
        for index, rendered in enumerate(built.environments):
            workdir = Path(scratch) / rendered.name / "out"
            writer.write({n: text for n, text in rendered.files.items() if n.startswith(TOOL_INPUTS)}, workdir)
            _ = rendered.stack.groups  # stamped groups expanded once, here, not by each check's thread at once
            # out/'s drift and foreign files, each reported once: under its environment, the rest with the first
            mine = {p for p in [*drift, *foreign] if p.startswith(rendered.root)
                    or (index == 0 and not any(p.startswith(root) for root in roots))}  # fmt: skip
            contexts.append(Context(
                rendered.stack,
                rendered.files,
                workdir,
                specs,
                out.name,
                {p: state for p, state in drift.items() if p in mine},
                tuple(p for p in foreign if p in mine),
                rendered.root,
                len(built.environments),
            ))  # fmt: skip
        problems = _run(contexts, checks, strict)
    return sorted(set(problems), key=lambda p: (p.path, p.severity != "error", p.line, p.check, p.message))


def _run(contexts: list[Context], checks: list[Check], strict: bool) -> list[Problem]:
    """Every check on every environment at once, those that wait on tools first (the others take turns at the
    interpreter meanwhile)."""
    runs = sorted(((check, context) for check in checks for context in contexts), key=lambda r: not r[0].needs_tools)
    with ThreadPoolExecutor(max_workers=len(runs) or 1) as pool:
        return [p for found in pool.map(lambda run: run[0].run(run[1], strict), runs) for p in found]


def drift_states(files: dict[str, str], out: Path) -> dict[str, str]:
    """How each file of `out` differs from the render, from the writer's own comparison."""
    return {
        relative: "is missing" if now is None else "is no longer rendered" if rendered is None else "is stale"
        for relative, (now, rendered) in writer.changes(files, out).items()
    }
