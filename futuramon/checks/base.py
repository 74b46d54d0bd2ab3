"""What every check shares: the problem it returns and the context it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from futuramon.model import Model, Stack
from futuramon.pipeline import Rendered

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    severity: Severity
    message: str
    check: str


@dataclass(frozen=True)
class Context:
    """A render held in memory, written once to `workdir` for the tools, and the committed `out`."""

    rendered: Rendered
    workdir: Path
    out: Path
    specs: Path

    @property
    def stack(self) -> Stack:
        return self.rendered.stack

    def where(self, subject: Model) -> tuple[str, int]:
        """The spec file (relative to the specs' parent when possible) and line that declared an object."""
        file, line = subject.origin
        path, parent = Path(file).resolve(), self.specs.resolve().parent
        return (path.relative_to(parent).as_posix() if path.is_relative_to(parent) else file), line


@dataclass(frozen=True)
class Check:
    """One named check: `run` returns problems and never prints."""

    name: str
    severity: Severity
    summary: str
    run: Callable[[Context, Check], list[Problem]] = field(repr=False)
    needs_tools: bool = False

    def problem(self, where: tuple[str, int], message: str) -> Problem:
        return Problem(where[0], where[1], self.severity, message, self.name)
