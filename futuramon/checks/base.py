"""What every check shares: one shape. A check reads a `Context` and yields `Finding`s; the runner
(`Check.run`) stamps each with the check's name and severity, making the `Problem`s a report shows."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import yaml

from futuramon.model import Model, Stack

Severity = Literal["error", "warning", "info"]
Where = tuple[str, int]
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when PyYAML has it: 12 MB at N=1000
Made = TypeVar("Made")


@dataclass(frozen=True)
class Finding:
    """What a check found, and where: a file (relative, as a person would open it) and a line (0: the file)."""

    where: Where
    message: str


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    severity: Severity
    message: str
    check: str


def spec_location(subject: Model, specs: Path) -> Where:
    """The spec file (relative to the specs' parent when possible) and line that declared an object."""
    file, line = subject.origin
    return _shown(file, specs), line


@functools.cache
def _shown(file: str, specs: Path) -> str:
    """A spec file's path as a finding names it (resolved once per file: 15,000 alerts share a few files)."""
    path, parent = Path(file).resolve(), specs.resolve().parent
    return path.relative_to(parent).as_posix() if path.is_relative_to(parent) else file


@dataclass(frozen=True)
class Context:
    """A render held in memory, written once to `workdir` for the tools, and how it differs from `out`."""

    stack: Stack
    files: dict[str, str]
    workdir: Path
    specs: Path
    out_name: str = "out"
    # each path of the committed out/ that differs from the render → "is missing", "is stale", ...
    drift: dict[str, str] = field(default_factory=dict)
    foreign: tuple[str, ...] = ()  # files in the committed out/ that futuramon did not write
    root: str = ""  # the environment's folder under out/ ("staging/"), "" for a spec with one environment
    sharing: int = 1  # the environments validated at once: their tool processes share the cores
    # what several checks read, made once (by the first check that asks; the checks run in threads)
    _made: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    _making: dict[str, threading.Lock] = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def shown(self, relative: str) -> str:
        """How a rendered file is named in a finding: `out/<environment>/...` with several environments."""
        return f"out/{self.root}{relative}"

    def where(self, subject: Model) -> Where:
        return spec_location(subject, self.specs)

    def once(self, key: str, make: Callable[[], Made]) -> Made:
        """`make()`, called once for this context: every check that asks for `key` gets the same value."""
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        with making:
            if key not in self._made:
                self._made[key] = make()
            return cast(Made, self._made[key])

    def documents(self, name: str) -> list[Any]:
        """The YAML documents of a rendered file, parsed once for every check that reads them."""
        return self.once(f"documents:{name}", lambda: list(yaml.load_all(self.files[name], Loader=SAFE_LOADER)))


@dataclass(frozen=True)
class Check:
    """One named check: `find` yields findings and never prints; `run` makes them problems."""

    name: str
    severity: Severity
    summary: str
    find: Callable[[Context], Iterable[Finding]] = field(repr=False)
    needs_tools: bool = False

    def run(self, context: Context, strict: bool = False) -> list[Problem]:
        """The findings as problems; with `strict`, a warning counts as an error."""
        severity: Severity = "error" if strict else self.severity
        return [Problem(f.where[0], f.where[1], severity, f.message, self.name) for f in self.find(context)]
