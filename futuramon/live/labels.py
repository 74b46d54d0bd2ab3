"""Which labels an expression's result carries, given the labels the series it reads carry.

Follows Prometheus' rules: an aggregation keeps its `by` labels (those the series have) or drops its
`without` labels; a binary operation between vectors keeps the left side's labels (`on(...)` keeps only
those, `ignoring(...)` drops them, group_left/group_right keep the "many" side and add the group labels);
`or` keeps both sides'; histogram_quantile drops `le`; label_replace and label_join add their target.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import promql_parser

Carried = Callable[[str], frozenset[str]]  # metric name → the label names its series carry
_KEEP_INNER = {"topk", "bottomk", "limitk", "limit_ratio"}
_NO_LABELS = {"vector", "time", "scalar", "pi", "minute", "hour", "day_of_month", "day_of_week", "month", "year"}


def result_labels(node: Any, carried: Carried) -> frozenset[str]:
    if isinstance(node, promql_parser.VectorSelector):
        return carried(node.name) - {"__name__"} if node.name else frozenset()
    if isinstance(node, promql_parser.MatrixSelector):
        return result_labels(node.vector_selector, carried)
    if isinstance(node, promql_parser.ParenExpr | promql_parser.UnaryExpr | promql_parser.SubqueryExpr):
        return result_labels(node.expr, carried)
    if isinstance(node, promql_parser.Call):
        return _call(node, carried)
    if isinstance(node, promql_parser.AggregateExpr):
        return _aggregation(node, carried)
    if isinstance(node, promql_parser.BinaryExpr):
        return _binary(node, carried)
    return frozenset()


def _call(node: Any, carried: Carried) -> frozenset[str]:
    name, args = node.func.name, list(node.args)
    if name in _NO_LABELS:
        return frozenset()
    if name == "histogram_quantile":
        return result_labels(args[1], carried) - {"le"}
    if name in ("label_replace", "label_join"):
        return result_labels(args[0], carried) | {args[1].val.strip('"')}
    vectors = [a for a in args if not isinstance(a, promql_parser.NumberLiteral | promql_parser.StringLiteral)]
    return result_labels(vectors[0], carried) if vectors else frozenset()


def _aggregation(node: Any, carried: Carried) -> frozenset[str]:
    inner = result_labels(node.expr, carried)
    if str(node.op) in _KEEP_INNER:
        return inner
    modifier = node.modifier
    if modifier is None:
        kept: frozenset[str] = frozenset()
    elif modifier.type == promql_parser.AggModifierType.By:
        kept = inner & set(modifier.labels)
    else:
        kept = inner - set(modifier.labels)
    return kept | ({node.param.val.strip('"')} if str(node.op) == "count_values" else set())


def _binary(node: Any, carried: Carried) -> frozenset[str]:
    left, right = result_labels(node.lhs, carried), result_labels(node.rhs, carried)
    if _scalar(node.lhs):
        return right
    if _scalar(node.rhs):
        return left
    op = str(node.op)
    if op == "or":
        return left | right
    modifier = node.modifier
    matching = modifier.matching if modifier is not None else None
    card = modifier.card if modifier is not None else promql_parser.VectorMatchCardinality.OneToOne
    if op in ("and", "unless"):
        return left
    if card == promql_parser.VectorMatchCardinality.OneToMany:
        return right | set(modifier.group_labels or ())
    if card == promql_parser.VectorMatchCardinality.ManyToOne:
        return left | set(modifier.group_labels or ())
    if matching is None:
        return left
    if matching.type == promql_parser.LabelModifierType.Include:
        return left & set(matching.labels)
    return left - set(matching.labels)


def _scalar(node: Any) -> bool:
    while isinstance(node, promql_parser.ParenExpr | promql_parser.UnaryExpr):
        node = node.expr
    return isinstance(node, promql_parser.NumberLiteral) or (
        isinstance(node, promql_parser.Call) and node.func.name in ("scalar", "time", "pi")
    )
