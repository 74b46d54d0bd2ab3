"""A `render` or `list` command line, read before typer is imported.

`futuramon.__main__` then starts loading the specs folder in the loader's child and runs the command from
`futuramon.commands` with what was read here: typer is never imported. Only a command line made of those
commands' own options and values, each at most once, counts: anything else (`--help`, a typo, another
command) returns None, and typer parses it and says what it makes of it, as always. The options and their
defaults are those `futuramon.cli` declares (a test holds the two together).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_OPTIONS = {  # each option of a command → its parameter
    "render": {"--specs": "specs", "-s": "specs", "--out": "out", "-o": "out", "--env": "env", "-e": "env",
               "--format": "output_format", "-f": "output_format", "--check": "check"},
    "list": {"--specs": "specs", "-s": "specs", "--env": "env", "-e": "env"},
}  # fmt: skip
_FLAGS = {"check"}
_PATHS = {"specs", "out"}
_CHOICES = {"output_format": {"text", "json", "github"}, "what": {"alerts", "panels", "routes", "environments"}}


@dataclass(frozen=True)
class CommandLine:
    """What a certain command line says: the command, its arguments by parameter name, and `--debug`."""

    command: str
    arguments: dict[str, Any] = field(default_factory=dict)
    debug: bool = False

    @property
    def specs(self) -> Path:
        return Path(self.arguments.get("specs", "specs"))


def read(words: list[str]) -> CommandLine | None:
    """The `render` or `list` command line `words` (arguments after the program's name); None when not certain."""
    rest = list(words)
    debug = rest[:1] == ["--debug"]
    if debug:
        rest.pop(0)
    if not rest or rest[0] not in _OPTIONS:
        return None
    command = rest.pop(0)
    given: dict[str, Any] = {}
    while rest:
        word = rest.pop(0)
        name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        parameter = "what" if command == "list" and word in _CHOICES["what"] else _OPTIONS[command].get(name)
        if parameter is None or parameter in given or (parameter in _FLAGS and equals):
            return None  # --help, an unknown or repeated option: typer says what it makes of it
        if parameter in _FLAGS:
            given[parameter] = True
            continue
        if parameter == "what":
            value = word
        elif not equals:
            value = rest.pop(0) if rest else ""
        if not value or value.startswith("-") or value not in _CHOICES.get(parameter, {value}):
            return None
        given[parameter] = Path(value) if parameter in _PATHS else value
    if command == "list" and "what" not in given:
        return None
    return CommandLine(command, given, debug)
