"""Looking for secrets in text fast: what the loader scans in the specs' strings and `validate` in the output.

Python's re tries most of the secret patterns at every character (an optional prefix comes first): 45 MB of
output took 13 s at N=1000. RE2 scans for them all in one pass. It reads \\s, \\w, \\d, \\b and
case-insensitivity as ASCII; Python's re reads them so too in text whose other characters are no letters,
digits or spaces (`→` is neither to both): such text, nearly all there is, is scanned by RE2, the rest by
Python's re, and so is every pattern RE2 cannot compile (a look-ahead).
"""

from __future__ import annotations

import re
from typing import Any

import re2

from futuramon.errors import SECRETS

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_NOT_PLAIN = re.compile(r"[^\t\n\r\x20-\x7e]")  # besides ASCII's letters, digits, spaces and symbols


class SecretScan:
    """Kinds of secret (a pattern and what it finds), looked for in text."""

    def __init__(self, kinds: list[tuple[re.Pattern[str], str]]) -> None:
        read = [(pattern, what, _in_re2(pattern)) for pattern, what in kinds]
        self.kinds = kinds
        self._kinds_re2 = [(pattern if group is None else re2.compile(group, _OPTIONS), what)
                           for pattern, what, group in read]  # fmt: skip
        # whether a text holds any secret: one RE2 pass for all it compiles, Python's re for the others
        self._any_re2 = [re2.compile("|".join(group for _, _, group in read if group is not None), _OPTIONS),
                         *[pattern for pattern, _, group in read if group is None]]  # fmt: skip

    def patterns(self, text: str) -> tuple[list[Any], list[tuple[Any, str]]]:
        """What finds a secret in the whole text, and each kind of secret in a part of it: RE2 when it reads the
        text's characters as Python's re does."""
        other = set(_NOT_PLAIN.findall(text))
        if any(char.isalnum() or char.isspace() for char in other):
            return [pattern for pattern, _ in self.kinds], self.kinds
        return self._any_re2, self._kinds_re2

    def first(self, text: str) -> str | None:
        """What kind of secret `text` holds ("a Slack webhook URL"), or None."""
        anywhere, kinds = self.patterns(text)
        if not any(pattern.search(text) for pattern in anywhere):
            return None
        return next((what for pattern, what in kinds if pattern.search(text)), None)


def _in_re2(pattern: re.Pattern[str]) -> str | None:
    """The pattern as RE2 reads it (a group), or None when RE2 cannot compile it."""
    if pattern.flags & ~(re.IGNORECASE | re.UNICODE):
        return None
    group = f"(?{'i' if pattern.flags & re.IGNORECASE else ''}:{pattern.pattern})"
    try:
        re2.compile(group, _OPTIONS)
    except re2.error:
        return None
    return group


IN_SPECS = SecretScan(SECRETS)  # a webhook URL or a token, anywhere in a spec's strings
