"""Reading PromQL: the metric names and function calls an expression uses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import promql_parser


@dataclass(frozen=True)
class Call:
    function: str
    args: list[Any]


def _children(node: Any) -> list[Any]:
    if isinstance(node, promql_parser.BinaryExpr):
        return [node.lhs, node.rhs]
    if isinstance(node, promql_parser.Call):
        return list(node.args)
    if isinstance(node, promql_parser.AggregateExpr):
        return [node.expr] + ([node.param] if node.param is not None else [])
    if isinstance(node, promql_parser.MatrixSelector):
        return [node.vector_selector]
    if isinstance(node, promql_parser.ParenExpr | promql_parser.UnaryExpr | promql_parser.SubqueryExpr):
        return [node.expr]
    return []


def walk(node: Any) -> Iterator[Any]:
    """Every node below (and including) `node` of a parsed expression, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(_children(current)))


def nodes(expr: str) -> Iterator[Any]:
    return walk(promql_parser.parse(expr))


def metric_names(expr: str) -> list[str]:
    return selector_names(promql_parser.parse(expr))


def calls(expr: str) -> list[Call]:
    return [Call(n.func.name, list(n.args)) for n in nodes(expr) if isinstance(n, promql_parser.Call)]


def selector_names(node: Any) -> list[str]:
    """Metric names read anywhere below a node of an already-parsed expression."""
    return [n.name for n in walk(node) if isinstance(n, promql_parser.VectorSelector) and n.name]


def grouping_labels(node: Any) -> list[str] | None:
    """The `by (...)` labels of an aggregation, or None for anything else."""
    modifier = node.modifier if isinstance(node, promql_parser.AggregateExpr) else None
    if modifier is not None and modifier.type == promql_parser.AggModifierType.By:
        return list(modifier.labels)
    return None
