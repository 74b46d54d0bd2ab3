"""A signal worked out from a test case's series, minute by minute, as `promtool test rules` computes it.

Only what futuramon derives test cases from: series that draw straight lines (a gauge at a value, a counter
growing from 0 at a rate, a histogram's buckets), read by selectors, `rate`/`irate`/`increase` over whole
minutes, `sum`/`min`/`max`/`avg`/`count` by or without labels, `histogram_quantile` and arithmetic between
them. Anything else raises `Unsupported`, saying what: a derived case is then written by hand or turned off.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import promql_parser as p

from futuramon import promql
from futuramon.series import Line, line, selector

LabelSet = frozenset[tuple[str, str]]
Vector = dict[LabelSet, float]  # one minute of the signal
Samples = list[float | None]  # one entry per minute evaluated; None: no sample then
Matrix = dict[LabelSet, Samples]
Value = float | Matrix


class Unsupported(Exception):
    """The signal cannot be worked out from these series: the message says what is beyond futuramon."""


@dataclass(frozen=True)
class Input:
    labels: dict[str, str]  # with __name__
    line: Line


def inputs(series: Sequence[tuple[str, str]]) -> list[Input]:
    """(selector, values) pairs as straight lines; a series drawing anything else is Unsupported."""
    found = []
    for text, values in series:
        drawn = line(values)
        if drawn is None:
            raise Unsupported(f"the series {text} has values {values!r}, not one straight line like 0+660x20 or 5x20")
        name, labels = selector(text)
        found.append(Input({"__name__": name, **labels}, drawn))
    return found


def evaluate(expr: str, series: Sequence[Input], minutes: Sequence[int]) -> list[Vector]:
    """The signal's series (label set → value) at each of `minutes`, as Prometheus evaluates it then."""
    value = _eval(promql.parse(expr), series, list(minutes))
    if isinstance(value, float):
        raise Unsupported("the signal is a number, not a series")
    return [{labels: v for labels, samples in value.items() if (v := samples[i]) is not None}
            for i in range(len(minutes))]  # fmt: skip


def holds(value: float, op: str, threshold: float) -> bool:
    return bool(_OPS[op](value, threshold))


_OPS: dict[str, Callable[[float, float], Any]] = {
    ">": lambda a, b: a > b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}  # fmt: skip


def _eval(node: Any, series: Sequence[Input], minutes: list[int]) -> Value:
    if isinstance(node, p.NumberLiteral):
        return float(node.val)
    if isinstance(node, p.ParenExpr):
        return _eval(node.expr, series, minutes)
    if isinstance(node, p.UnaryExpr):
        inner = _eval(node.expr, series, minutes)
        return -inner if isinstance(inner, float) else _each(inner, lambda v: -v)
    if isinstance(node, p.VectorSelector):
        return {_key(s.labels): [s.line.at(m) if m <= s.line.minutes else None for m in minutes]
                for s in _selected(node, series)}  # fmt: skip
    if isinstance(node, p.Call):
        return _call(node, series, minutes)
    if isinstance(node, p.AggregateExpr):
        return _aggregate(node, series, minutes)
    if isinstance(node, p.BinaryExpr):
        return _binary(node, series, minutes)
    raise Unsupported(f"it reads {node}, beyond what futuramon works out")


def _each(matrix: Matrix, apply: Callable[[float], float], labels: Callable[[LabelSet], LabelSet] = lambda k: k
          ) -> Matrix:  # fmt: skip
    return {labels(k): [None if v is None else apply(v) for v in samples] for k, samples in matrix.items()}


def _key(labels: dict[str, str]) -> LabelSet:
    return frozenset(labels.items())


def _selected(node: Any, series: Sequence[Input]) -> list[Input]:
    if node.offset is not None or node.at is not None:
        raise Unsupported("it reads a series with offset or @")
    return [s for s in series if (node.name is None or s.labels["__name__"] == node.name)
            and all(_matches(m, s.labels.get(m.name, "")) for m in node.matchers.matchers)]  # fmt: skip


def _matches(matcher: Any, value: str) -> bool:
    if matcher.op == p.MatchOp.Equal:
        return bool(value == matcher.value)
    if matcher.op == p.MatchOp.NotEqual:
        return bool(value != matcher.value)
    found = re.fullmatch(matcher.value, value) is not None
    return found if matcher.op == p.MatchOp.Re else not found


def _call(node: Any, series: Sequence[Input], minutes: list[int]) -> Value:
    name = node.func.name
    if name in ("rate", "irate", "increase") and isinstance(node.args[0], p.MatrixSelector):
        return _rate(name, node.args[0], series, minutes)
    if name == "histogram_quantile":
        quantile, buckets = (_eval(arg, series, minutes) for arg in node.args)
        if not isinstance(quantile, float) or isinstance(buckets, float):
            raise Unsupported("it calls histogram_quantile with arguments futuramon does not follow")
        return _quantiles(quantile, buckets, len(minutes))
    raise Unsupported(f"it calls {name}(), beyond what futuramon works out")


def _rate(name: str, node: Any, series: Sequence[Input], minutes: list[int]) -> Matrix:
    """rate/irate/increase of counters drawn from 0 at a steady pace: over a window of W minutes, evaluated at
    minute t (samples every minute), the increase is pace * min(t, W), as Prometheus extrapolates it."""
    seconds = node.range.total_seconds()
    if seconds % 60 or seconds < 120:
        raise Unsupported(f"its {name}() window {node.range} is not a whole number of minutes (at least 2)")
    window = int(seconds // 60)
    found: Matrix = {}
    for s in _selected(node.vector_selector, series):
        pace = s.line.per_minute
        if pace < 0 or (pace > 0 and s.line.start != 0):
            raise Unsupported(f"the series {s.labels['__name__']} is not a counter growing from 0 ({s.line.notation})")
        samples: Samples = []
        for minute in minutes:
            increase = pace * min(minute, window)
            value = {"increase": increase, "rate": increase / seconds, "irate": pace / 60}[name]
            samples.append(value if 1 <= minute <= s.line.minutes else None)
        found[_key({k: v for k, v in s.labels.items() if k != "__name__"})] = samples
    return found


def _quantiles(quantile: float, buckets: Matrix, count: int) -> Matrix:
    """histogram_quantile as Prometheus interpolates it: linearly inside the bucket the rank falls in; in the
    +Inf bucket, the highest finite bound."""
    histograms: dict[LabelSet, list[tuple[float, Samples]]] = {}
    for labels, samples in buckets.items():
        le = dict(labels).get("le")
        if le is not None:
            histograms.setdefault(frozenset((k, v) for k, v in labels if k != "le"), []).append((float(le), samples))
    return {labels: [_quantile(quantile, [(le, samples[i]) for le, samples in sorted(found, key=lambda b: b[0])])
                     for i in range(count)] for labels, found in histograms.items()}  # fmt: skip


def _quantile(quantile: float, buckets: list[tuple[float, float | None]]) -> float | None:
    counts = [(le, count) for le, count in buckets if count is not None]
    if len(counts) < 2 or counts[-1][0] != math.inf or counts[-1][1] == 0:
        return None
    rank = quantile * counts[-1][1]
    index = next(i for i, (_, count) in enumerate(counts) if count >= rank)
    if index == len(counts) - 1:
        return counts[-2][0]
    start, below = (0.0, 0.0) if index == 0 else counts[index - 1]
    end, count = counts[index]
    return start + (end - start) * (rank - below) / (count - below)


def _aggregate(node: Any, series: Sequence[Input], minutes: list[int]) -> Matrix:
    operation = str(node.op)
    if operation not in _AGGREGATIONS or node.param is not None:
        raise Unsupported(f"it aggregates with {operation}, beyond what futuramon works out")
    inner = _eval(node.expr, series, minutes)
    if isinstance(inner, float):
        raise Unsupported(f"it aggregates a number with {operation}")
    kept = promql.grouping_labels(node)
    groups: dict[LabelSet, list[Samples]] = {}
    for labels, samples in inner.items():
        if kept is not None:
            group = frozenset((k, v) for k, v in labels if k in kept)
        elif node.modifier is not None:
            group = frozenset((k, v) for k, v in labels if k not in node.modifier.labels and k != "__name__")
        else:
            group = frozenset()
        groups.setdefault(group, []).append(samples)
    found: Matrix = {}
    for group, members in groups.items():
        present = [[v for v in column if v is not None] for column in zip(*members, strict=True)]
        found[group] = [_AGGREGATIONS[operation](values) if values else None for values in present]
    return found


_AGGREGATIONS: dict[str, Callable[[list[float]], float]] = {
    "sum": lambda v: float(sum(v)), "min": min, "max": max, "avg": lambda v: sum(v) / len(v),
    "count": lambda v: float(len(v)),
}  # fmt: skip


def _binary(node: Any, series: Sequence[Input], minutes: list[int]) -> Value:
    op = str(node.op)
    if op not in _ARITHMETIC:
        raise Unsupported(f"it compares or joins series with {op}, beyond what futuramon works out")
    modifier = node.modifier
    if modifier is not None and modifier.card != p.VectorMatchCardinality.OneToOne:
        raise Unsupported("it matches series many-to-one (group_left/group_right)")
    lhs, rhs = _eval(node.lhs, series, minutes), _eval(node.rhs, series, minutes)
    apply = _ARITHMETIC[op]
    if isinstance(rhs, float):
        return _each(lhs, lambda v: apply(v, rhs), _unnamed) if isinstance(lhs, dict) else apply(lhs, rhs)
    if isinstance(lhs, float):
        return _each(rhs, lambda v: apply(lhs, v), _unnamed)
    matching = modifier.matching if modifier is not None else None
    by_signature: Matrix = {}
    for labels, samples in rhs.items():
        signature = _signature(labels, matching)
        if signature in by_signature:
            raise Unsupported("several series on the right-hand side match the same series on the left")
        by_signature[signature] = samples
    found: Matrix = {}
    for labels, samples in lhs.items():
        signature = _signature(labels, matching)  # also the result's labels: `on` keeps, `ignoring` drops
        if signature in by_signature:
            found[signature] = [None if a is None or b is None else apply(a, b)
                                for a, b in zip(samples, by_signature[signature], strict=True)]  # fmt: skip
    return found


def _signature(labels: LabelSet, matching: Any) -> LabelSet:
    if matching is None:
        return _unnamed(labels)
    if matching.type == p.LabelModifierType.Include:
        return frozenset((k, v) for k, v in labels if k in matching.labels)
    return frozenset((k, v) for k, v in labels if k not in matching.labels and k != "__name__")


def _unnamed(labels: LabelSet) -> LabelSet:
    return frozenset((k, v) for k, v in labels if k != "__name__")


def _divide(a: float, b: float) -> float:
    if b == 0:
        return math.nan if a == 0 else math.copysign(math.inf, a)
    return a / b


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": _divide,
}  # fmt: skip
