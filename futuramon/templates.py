"""The text templates in `templates/`: Go templates shipped as they are, jinja2 ones rendered sandboxed."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment


@functools.cache
def _folder() -> Path:
    """`templates/` beside the package in a checkout, or inside it when installed from a wheel."""
    here = Path(__file__).parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("futuramon's templates/ folder is missing from this installation")


def raw(name: str) -> str:
    return (_folder() / name).read_text(encoding="utf-8")


def render(name: str, **context: Any) -> str:
    return compiled(name).render(**context)


def compiled(name: str) -> Template:
    """A template, compiled once per process and folder (15,000 runbooks share one compile)."""
    return _environment(_folder()).get_template(name)


@functools.cache
def _environment(folder: Path) -> SandboxedEnvironment:
    """One environment per templates folder: it keeps every template it compiled (no reload checks)."""
    return SandboxedEnvironment(
        loader=FileSystemLoader(folder),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        auto_reload=False,
    )
