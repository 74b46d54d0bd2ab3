"""The one path from specs to files: load → render. `render` writes it, `validate` checks it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from futuramon.loader import load
from futuramon.model import Stack
from futuramon.render.outputs import render


@dataclass(frozen=True)
class Rendered:
    stack: Stack
    files: dict[str, str]


def build(specs: Path) -> Rendered:
    stack = load(specs)
    return Rendered(stack=stack, files=render(stack))
