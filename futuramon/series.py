"""promtool's series notation ("0+660x20 _ stale 5x3"), expanded to one value per step."""

from __future__ import annotations

import math
import re

import promql_parser

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_EXPANDING = re.compile(rf"^({_NUMBER})(?:([-+])({_NUMBER}))?x(\d+)$")
_MISSING = re.compile(r"^_(?:x(\d+))?$")


def expand(values: str) -> list[float | None]:
    """One entry per step: a number, None for a missing sample, NaN for a stale marker."""
    expanded: list[float | None] = []
    for token in values.split():
        missing = _MISSING.match(token)
        growing = _EXPANDING.match(token)
        if missing:
            expanded.extend([None] * int(missing.group(1) or 1))
        elif token == "stale":
            expanded.append(math.nan)
        elif growing:
            start, sign, step, times = growing.groups()
            delta = float(step or 0) * (-1 if sign == "-" else 1)
            expanded.extend(float(start) + delta * i for i in range(int(times) + 1))
        else:
            expanded.append(float(token))
    return expanded


def selector(text: str) -> tuple[str, dict[str, str]]:
    """`http_requests_total{service="api"}` → ("http_requests_total", {"service": "api"})."""
    parsed = promql_parser.parse(text)
    if not isinstance(parsed, promql_parser.VectorSelector) or not parsed.name:
        raise ValueError(f'expected a series like metric{{label="value"}}, got {text!r}')
    return parsed.name, {m.name: m.value for m in parsed.matchers.matchers}
