"""The one path from specs to files: load → render. `render` writes it, `validate` checks it;
`list` and `drill` need only the loaded stack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from futuramon import loader
from futuramon.model import Stack


@dataclass(frozen=True)
class Rendered:
    stack: Stack
    files: dict[str, str]


def load(specs: Path) -> Stack:
    """The stack the specs declare, fully validated, with nothing rendered."""
    return loader.load(specs)


def build(specs: Path) -> Rendered:
    from futuramon.render.outputs import render  # the renderers (Grafana's SDK) only when rendering

    stack = load(specs)
    return Rendered(stack=stack, files=render(stack))
