"""The errors futuramon reports to users, and the exit code each one maps to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1  # a check failed, out/ is stale, or a drill did not deliver
EXIT_BAD_INPUT = 2  # a bad spec, bad usage, or a missing / too old tool
EXIT_ENVIRONMENT = 3  # out/ cannot be written (permissions, disk full, not a directory)
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM
EXIT_OUTPUT_CLOSED = 141  # the reader of stdout went away (`| head`): as a shell reports a process SIGPIPE ended

# What a webhook URL or a chat token looks like, with or without its scheme, and what each is.
SECRETS = [
    (
        re.compile(r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[^\s'\"<>`]+"),
        "a Slack webhook URL",
    ),
    (
        re.compile(r"(?:https?://)?(?:[a-z]+\.)?discord(?:app)?\.com/api/webhooks/[^\s'\"<>`]+"),
        "a Discord webhook URL",
    ),
    (re.compile(r"(?:https?://)?events\.(?:eu\.)?pagerduty\.com/integration/[^\s'\"<>`]+"), "a PagerDuty URL"),
    (re.compile(r"(?:routing|service|integration)[_-]?key\W{1,3}[A-Za-z0-9]{20,}", re.I), "a PagerDuty key"),
    (re.compile(r"\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (
        re.compile(r"https?://[^\s/'\"<>`]+/(?:[^\s'\"<>`]*/)?(?:hooks?|webhooks?)/[^\s'\"<>`]*?"
                   r"(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{16,}[^\s'\"<>`]*"),
        "a webhook URL with a token",
    ),
    (re.compile(r"[?&](?:token|api_?key|key|secret|sig|signature)=[^&\s'\"<>`]{8,}", re.I), "a token in a URL"),
]  # fmt: skip


def redact(text: str) -> str:
    """Hide anything that looks like a webhook URL or a chat token."""
    for pattern, _ in SECRETS:
        text = pattern.sub("<redacted>", text)
    return text


class FuturamonError(Exception):
    """An error a user can act on; the CLI prints it without a traceback."""

    exit_code = EXIT_BAD_INPUT

    def __str__(self) -> str:
        return redact(super().__str__())


@dataclass(frozen=True)
class Place:
    """Where in the specs a problem is: file and line (when known), object and field."""

    file: str = ""
    line: int | None = None
    obj: str = ""
    field: str = ""

    def path(self) -> str:
        """The file relative to the current folder when below it, as the user would type it."""
        return _relative(self.file)

    def where(self) -> str:
        """`specs/alerts.py:12`."""
        return self.path() + (f":{self.line}" if self.line else "")

    def what(self) -> str:
        """`Alert 'Slow': field 'for'`."""
        return ": ".join(p for p in (self.obj, f"field '{self.field}'" if self.field else "") if p)

    def prefix(self) -> str:
        return ": ".join(p for p in (self.where(), self.what()) if p)


def _relative(file: str) -> str:
    """A path as the user would type it: relative to the current folder when it is below it."""
    if not file:
        return file
    path = Path(file)
    return path.relative_to(Path.cwd()).as_posix() if path.is_absolute() and path.is_relative_to(Path.cwd()) else file


class SpecError(FuturamonError):
    """The specs are wrong: the message names the file, the object and the field."""

    def __init__(self, message: str, place: Place = Place()) -> None:
        self.message = message
        self.place = place
        super().__init__(message)

    def at(self, **changes: object) -> SpecError:
        """The same error, with more of its place filled in (keeps what is already known)."""
        known = {k: v for k, v in self.place.__dict__.items() if v}
        return SpecError(self.message, Place(**{**changes, **known}))

    def __str__(self) -> str:
        prefix = self.place.prefix()
        return redact(f"{prefix}: {self.message}" if prefix else self.message)


class ToolError(FuturamonError):
    """promtool, amtool, prometheus or alertmanager is missing, too old or broken."""


class OutputError(FuturamonError):
    """The output directory cannot be written."""

    exit_code = EXIT_ENVIRONMENT


class Interrupted(FuturamonError):
    """Ctrl-C or SIGTERM: the message says what state out/ is in."""

    exit_code = EXIT_INTERRUPTED
