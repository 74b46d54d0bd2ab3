"""Which specs folder a `render` or `list` command line loads, read before typer is imported.

`futuramon.__main__` then starts loading that folder in the loader's child while typer is imported and
parses the same command line. Only a command line made of those commands' own options and values, each at
most once, counts: anything else (`--help`, a typo, another command) returns None, and the command loads its
specs as always, after typer has parsed it.
"""

from __future__ import annotations

from pathlib import Path

_OPTIONS = {
    "render": {"--specs": "--specs", "-s": "--specs", "--out": "--out", "-o": "--out", "--env": "--env",
               "-e": "--env", "--format": "--format", "-f": "--format", "--check": "--check"},
    "list": {"--specs": "--specs", "-s": "--specs", "--env": "--env", "-e": "--env"},
}  # fmt: skip
_FLAGS = {"--check"}
_CHOICES = {"--format": {"text", "json", "github"}}
_LISTINGS = {"alerts", "panels", "routes", "environments"}


def specs_folder(arguments: list[str]) -> Path | None:
    """The --specs folder of a `render` or `list` command line (`specs` unless given); None when not certain."""
    rest = list(arguments)
    if rest[:1] == ["--debug"]:
        rest.pop(0)
    if not rest or rest[0] not in _OPTIONS:
        return None
    command = rest.pop(0)
    given: dict[str, str] = {}
    while rest:
        word = rest.pop(0)
        name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        option = "what" if command == "list" and word in _LISTINGS else _OPTIONS[command].get(name)
        if option is None or option in given or (option in _FLAGS and equals):
            return None  # --help, an unknown or repeated option: typer says what it makes of it
        if option == "what":
            value = word
        elif option not in _FLAGS and not equals:
            value = rest.pop(0) if rest else ""
        if option not in _FLAGS and (not value or value.startswith("-") or value not in _CHOICES.get(option, {value})):
            return None
        given[option] = value
    if command == "list" and "what" not in given:
        return None
    return Path(given.get("--specs", "specs"))
