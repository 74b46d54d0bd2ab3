"""Rules with time compressed by FACTOR, so that a live drill through Prometheus takes seconds.

One simulated minute is one real second: `for`, group intervals, and in the PromQL syntax tree every range
(`[5m]`), subquery range and step (`[30m:1m]`) and `offset` are divided by FACTOR; `rate()`/`irate()` are
divided by FACTOR too, since a counter now grows FACTOR times faster per real second. `increase()`, ratios
and gauges need no change.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import promql_parser

from futuramon import promql
from futuramon.model import duration_seconds

FACTOR = 60
PER_SECOND = ("rate", "irate")


def duration(value: str) -> str:
    return f"{max(int(duration_seconds(value) * 1000 / FACTOR), 1)}ms"


def expr(text: str) -> str:
    tree = promql_parser.parse(text)
    for node in promql.walk(tree):
        _compress_durations(node)
    return _text(tree)


def _shorter(value: timedelta) -> timedelta:
    return max(value / FACTOR, timedelta(milliseconds=1))


def _compress_durations(node: Any) -> None:
    p = promql_parser
    window = node.range if isinstance(node, p.MatrixSelector | p.SubqueryExpr) else None
    if window is not None:
        node.range = _shorter(window)
    step = node.step if isinstance(node, p.SubqueryExpr) else None
    if step is not None:
        node.step = _shorter(step)
    offset = node.offset if isinstance(node, p.SubqueryExpr | p.VectorSelector) else None
    if offset is not None:
        node.offset = _shorter(offset)


def _text(node: Any) -> str:
    """The expression as Prometheus' printer writes it, with every rate()/irate() divided by FACTOR."""
    p = promql_parser
    printed = str(node)
    if isinstance(node, p.BinaryExpr):
        left, right = str(node.lhs), str(node.rhs)
        return _text(node.lhs) + printed[len(left) : len(printed) - len(right)] + _text(node.rhs)
    if isinstance(node, p.Call):
        call = f"{node.func.name}({', '.join(_text(arg) for arg in node.args)})"
        return f"({call} / {FACTOR})" if node.func.name in PER_SECOND else call
    if isinstance(node, p.AggregateExpr | p.ParenExpr | p.UnaryExpr):
        inner = str(node.expr)
        at = printed.rindex(inner)
        return printed[:at] + _text(node.expr) + printed[at + len(inner) :]
    if isinstance(node, p.SubqueryExpr):
        return _text(node.expr) + printed[len(str(node.expr)) :]
    return printed


def rule_groups(groups: dict[str, Any]) -> dict[str, Any]:
    compressed = copy.deepcopy(groups)
    for group in compressed["groups"]:
        if "interval" in group:
            group["interval"] = duration(group["interval"])
        for rule in group["rules"]:
            rule["expr"] = expr(rule["expr"])
            for key in ("for", "keep_firing_for"):  # recording rules have neither
                if key in rule:
                    rule[key] = duration(rule[key])
    return compressed
