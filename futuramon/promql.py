"""Reading PromQL: the metric names and function calls an expression uses."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import promql_parser

from futuramon import tools
from futuramon.errors import FuturamonError


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


def top_level_set_operation(expr: str) -> bool:
    """Whether an expression is `a and b`, `a or b` or `a unless b` at its top."""
    parsed = promql_parser.parse(expr)
    return isinstance(parsed, promql_parser.BinaryExpr) and str(parsed.op) in ("and", "or", "unless")


def syntax_error(expr: str) -> str | None:
    """Why an expression does not parse, with the column Prometheus' own parser points at (via promtool,
    when it is installed); None when it parses."""
    try:
        promql_parser.parse(expr)
        return None
    except ValueError as error:
        reason = str(error)
    located = _prometheus_position(expr)
    if located is None:
        return f"not a valid PromQL expression ({reason}): {expr!r}"
    line, column, message = located
    where = f"line {line}, column {column}" if "\n" in expr else f"column {column}"
    caret = " " * (column - 1) + "^" if "\n" not in expr else ""
    return f"not a valid PromQL expression at {where} ({message}):\n  {expr}\n  {caret}".rstrip()


def _prometheus_position(expr: str) -> tuple[int, int, str] | None:
    with tempfile.TemporaryDirectory(prefix="futuramon-promql-") as folder:
        rules = Path(folder) / "expr.yaml"
        rules.write_text(f"groups:\n- name: g\n  rules:\n  - record: r\n    expr: {json.dumps(expr)}\n")
        try:
            result = tools.run("promtool", "check", "rules", str(rules), timeout=30)
        except FuturamonError:
            return None
    found = re.findall(r"(\d+):(\d+): parse error: (.*)", result.output)
    return (int(found[-1][0]), int(found[-1][1]), found[-1][2].strip()) if found else None
