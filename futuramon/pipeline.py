"""The one path from specs to files: load → render, per environment. `render` writes it, `validate` checks it;
`list` and `drill` need only the loaded stacks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from futuramon import loader
from futuramon.errors import SpecError
from futuramon.model import Stack


@dataclass(frozen=True)
class Rendered:
    """One environment: its stack, and its files relative to its own folder (`root` under out/)."""

    stack: Stack
    files: dict[str, str]
    root: str = ""

    @property
    def name(self) -> str:
        return self.stack.environment.name


@dataclass(frozen=True)
class Build:
    environments: list[Rendered]
    only: bool = False  # one environment of several (--env): the others' files are not part of it

    @property
    def files(self) -> dict[str, str]:
        """Every file of the environments built, relative to out/."""
        return {f"{e.root}{path}": text for e in self.environments for path, text in e.files.items()}


def load(specs: Path, environment: str | None = None) -> list[Stack]:
    """The stack of every environment the specs declare (or of the one named), validated, nothing rendered."""
    return _chosen(loader.load(specs), environment)


def one(stacks: list[Stack]) -> Stack:
    """The stack a command that works on one environment works on: the only one, or the one --env names."""
    if len(stacks) != 1:
        names = ", ".join(s.environment.name for s in stacks)
        raise SpecError(f"the specs declare several environments ({names}): choose one with --env NAME")
    return stacks[0]


def build(specs: Path, environment: str | None = None) -> Build:
    """Every environment of the specs rendered, or only the one named."""
    stacks = loader.load(specs, meanwhile=_import_renderers)  # imported while the child loads the specs
    from futuramon.render import outputs

    chosen = _chosen(stacks, environment)
    rendered = [Rendered(s, outputs.render(s), outputs.root(s, stacks)) for s in chosen]
    return Build(rendered, only=len(chosen) < len(stacks))


def _import_renderers() -> None:
    """The renderers (Grafana's SDK, jinja2, YAML) and the writer: only when rendering."""
    from futuramon import writer  # noqa: F401
    from futuramon.render import outputs  # noqa: F401


def committed(built: Build, out: Path) -> dict[str, str]:
    """What `out` holds once this build is rendered: its files, and with --env the other environments' as they are."""
    if not built.only:
        return built.files
    from futuramon import writer

    return writer.keeping(built.files, out, built.environments[0].root)


def _chosen(stacks: list[Stack], environment: str | None) -> list[Stack]:
    chosen = [s for s in stacks if environment in (None, s.environment.name)]
    if not chosen:
        names = ", ".join(s.environment.name for s in stacks)
        raise SpecError(f"no environment named {environment!r}; the specs declare: {names}")
    return chosen
