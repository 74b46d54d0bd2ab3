"""promtool's series notation ("0+660x20 _ stale 5x3"), expanded to one value per step."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import promql_parser

from futuramon import promql

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
    parsed = promql.parse(text)
    if not isinstance(parsed, promql_parser.VectorSelector) or not parsed.name:
        raise ValueError(f'expected a series like metric{{label="value"}}, got {text!r}')
    return parsed.name, {m.name: m.value for m in parsed.matchers.matchers}


@dataclass(frozen=True)
class Line:
    """A series that starts at `start` and changes by `per_minute` at each of its `minutes` steps."""

    start: float
    per_minute: float
    minutes: int

    def at(self, minute: int) -> float:
        return self.start + self.per_minute * minute

    @property
    def notation(self) -> str:
        """In promtool's notation: "0+660x20", "5x10"."""
        if self.per_minute == 0:
            return f"{short(self.start)}x{self.minutes}"
        sign = "+" if self.per_minute > 0 else "-"
        return f"{short(self.start)}{sign}{short(abs(self.per_minute))}x{self.minutes}"


def line(values: str) -> Line | None:
    """The straight line a series' values draw ("0+660x20", "5x10"); None when they draw anything else."""
    found = _EXPANDING.match(values.strip())
    if not found:
        return None
    start, sign, step, times = found.groups()
    return Line(float(start), float(step or 0) * (-1 if sign == "-" else 1), int(times))


def short(value: float) -> str:
    """A number as short as it reads: 660, 47.4, 0.0167 (twelve significant digits at most)."""
    return format(value, ".12g")


def written(metric: str, labels: Mapping[str, str]) -> str:
    """`metric{label="value", ...}` in the labels' order, values escaped as PromQL strings."""
    if not labels:
        return metric
    matchers = ", ".join(f"{name}={json.dumps(value, ensure_ascii=False)}" for name, value in labels.items())
    return f"{metric}{{{matchers}}}"
