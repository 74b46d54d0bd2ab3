"""Reading PromQL: the metric names and function calls an expression uses."""

from __future__ import annotations

import functools
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import promql_parser

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


@functools.cache
def parse(expr: str) -> Any:
    """An expression's syntax tree, parsed once per process: the model, the renderers and the lint
    all read the same expressions (a ValueError, not cached, when it does not parse)."""
    return promql_parser.parse(expr)


def nodes(expr: str) -> Iterator[Any]:
    return walk(parse(expr))


def metric_names(expr: str) -> list[str]:
    return selector_names(parse(expr))


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
    parsed = parse(expr)
    return isinstance(parsed, promql_parser.BinaryExpr) and str(parsed.op) in ("and", "or", "unless")


def syntax_error(expr: str) -> str | None:
    """Why an expression does not parse, with the column Prometheus' own parser points at (via promtool,
    when it is installed); None when it parses."""
    try:
        parse(expr)
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
    from futuramon import tools  # only for a bad expression: rendering and listing never start a tool

    with tempfile.TemporaryDirectory(prefix="futuramon-promql-") as folder:
        rules = Path(folder) / "expr.yaml"
        rules.write_text(f"groups:\n- name: g\n  rules:\n  - record: r\n    expr: {json.dumps(expr)}\n")
        try:
            result = tools.run("promtool", "check", "rules", str(rules), timeout=30)
        except FuturamonError:
            return None
    found = re.findall(r"(\d+):(\d+): parse error: (.*)", result.output)
    return (int(found[-1][0]), int(found[-1][1]), found[-1][2].strip()) if found else None


Labels = frozenset[str] | None  # the label names a result carries; None: cannot be told (a metric not in the catalog)
_SCALAR_FUNCTIONS = {"vector", "time", "scalar", "pi", "minute", "hour", "day_of_month", "day_of_week", "month",
                     "year", "days_in_month", "day_of_year"}  # fmt: skip


def output_labels(expr: str, catalog: dict[str, tuple[str, ...]]) -> Labels:
    """The labels every series of `expr`'s result carries, as far as the expression tells: the catalog's
    labels of a raw series (and its `=` matchers), narrowed by `by (...)`, `without (...)` and `on (...)`."""
    return _labels(parse(expr), catalog)


def _labels(node: Any, catalog: dict[str, tuple[str, ...]]) -> Labels:
    p = promql_parser
    if isinstance(node, p.VectorSelector):
        known = catalog.get(node.name or "")
        equal = {m.name for m in node.matchers.matchers if m.op == p.MatchOp.Equal and m.value}
        return None if known is None else frozenset(known) | frozenset(equal - {"__name__"})
    if isinstance(node, p.NumberLiteral | p.StringLiteral):
        return frozenset()
    if isinstance(node, p.AggregateExpr):
        inner = _labels(node.expr, catalog)
        modifier = node.modifier
        if modifier is None:
            return inner if str(node.op) in ("topk", "bottomk", "limitk", "limit_ratio") else frozenset()
        if modifier.type == p.AggModifierType.By:
            return frozenset(modifier.labels)
        return None if inner is None else inner - set(modifier.labels)
    if isinstance(node, p.Call):
        return _call_labels(node, catalog)
    if isinstance(node, p.BinaryExpr):
        return _binary_labels(node, catalog)
    children = _children(node)  # parentheses, unary minus, range and subquery selectors keep the labels
    return _labels(children[0], catalog) if children else frozenset()


def _call_labels(node: Any, catalog: dict[str, tuple[str, ...]]) -> Labels:
    name = node.func.name
    vectors = [
        arg for arg in node.args if not isinstance(arg, promql_parser.NumberLiteral | promql_parser.StringLiteral)
    ]
    if name in _SCALAR_FUNCTIONS or not vectors:
        return frozenset()
    if name == "absent":
        return frozenset(m.name for n in walk(vectors[0]) if isinstance(n, promql_parser.VectorSelector)
                         for m in n.matchers.matchers if m.op == promql_parser.MatchOp.Equal)  # fmt: skip
    inner = _labels(vectors[0], catalog)
    if inner is None:
        return None
    if name == "histogram_quantile":
        return inner - {"le"}
    if name in ("label_replace", "label_join"):
        return inner | {node.args[1].val}
    return inner


def _is_scalar(node: Any) -> bool:
    while isinstance(node, promql_parser.ParenExpr | promql_parser.UnaryExpr):
        node = node.expr
    return isinstance(node, promql_parser.NumberLiteral) or (
        isinstance(node, promql_parser.Call) and node.func.name in ("scalar", "time", "pi")
    )


def _binary_labels(node: Any, catalog: dict[str, tuple[str, ...]]) -> Labels:
    p = promql_parser
    lhs, rhs = _labels(node.lhs, catalog), _labels(node.rhs, catalog)
    if _is_scalar(node.lhs) or _is_scalar(node.rhs):
        return rhs if _is_scalar(node.lhs) else lhs
    op = str(node.op)
    if op in ("and", "unless"):
        return lhs
    if op == "or":
        return None if lhs is None or rhs is None else lhs & rhs
    modifier = node.modifier
    matching = modifier.matching if modifier is not None else None
    if modifier is not None and modifier.card in (
        p.VectorMatchCardinality.ManyToOne,
        p.VectorMatchCardinality.OneToMany,
    ):
        side = lhs if modifier.card == p.VectorMatchCardinality.ManyToOne else rhs
        return None if side is None else side | set(modifier.group_labels)
    if matching is not None and matching.type == p.LabelModifierType.Include:
        return frozenset(matching.labels)
    if matching is not None:
        return None if lhs is None else lhs - set(matching.labels)
    return lhs
