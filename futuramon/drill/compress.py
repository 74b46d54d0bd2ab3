"""Rules with time compressed by FACTOR, so that a live drill through Prometheus takes seconds.

One simulated minute is one real second: `for`, range windows and group intervals are divided by
FACTOR, and `rate()`/`irate()` are divided by FACTOR too, since a counter now grows FACTOR times
faster per real second. `increase()`, ratios and gauges need no change.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from futuramon.model import duration_seconds

FACTOR = 60
_RANGE = re.compile(r"\[(\d+(?:ms|[smhdwy]))\]")
_PER_SECOND = re.compile(r"\b(rate|irate)\(([^()]*\[[^\]]+\])\)")


def duration(value: str) -> str:
    return f"{max(int(duration_seconds(value) * 1000 / FACTOR), 1)}ms"


def expr(text: str) -> str:
    text = _RANGE.sub(lambda m: f"[{duration(m.group(1))}]", text)
    return _PER_SECOND.sub(lambda m: f"({m.group(1)}({m.group(2)}) / {FACTOR})", text)


def rule_groups(groups: dict[str, Any]) -> dict[str, Any]:
    compressed = copy.deepcopy(groups)
    for group in compressed["groups"]:
        if "interval" in group:
            group["interval"] = duration(group["interval"])
        for rule in group["rules"]:
            rule["expr"] = expr(rule["expr"])
            rule["for"] = duration(rule["for"])
    return compressed
