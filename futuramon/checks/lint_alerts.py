"""Lint rules on alerts and their PromQL, each its own check."""

from __future__ import annotations

import re
from collections.abc import Iterator

import promql_parser

from futuramon import promql
from futuramon.checks.base import Check, Context, Finding
from futuramon.checks.labels import carried
from futuramon.model import Model, Stack
from futuramon.render.text import fill, threshold_text

COUNTER_FUNCTIONS = {"rate", "irate", "increase", "resets"}
_TEMPLATE_LABEL = re.compile(r"\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")
_NOT_PROSE = re.compile(r"`[^`]*`|https?://\S+")


def annotation_labels(ctx: Context) -> Iterator[Finding]:
    """A label a template reads but the alert does not carry expands to nothing (pint's alerts/template)."""
    for alert, labels in ctx.once("carried", lambda: carried(ctx.stack)):
        if labels is None:
            continue
        for key, text in (("summary", alert.summary), ("description", alert.description)):
            for label in sorted(set(_TEMPLATE_LABEL.findall(text)) - labels):
                has = ", ".join(sorted(labels))
                yield Finding(ctx.where(alert), f"alert {alert.name}: {key} uses $labels.{label}, but the alert does "
                                                f"not carry {label!r} (it carries {has})")  # fmt: skip


def runbook_numbers(ctx: Context) -> Iterator[Finding]:
    """A number in a runbook's prose other than the threshold is a threshold restated by hand: it drifts."""
    for alert in ctx.stack.alerts:
        book = alert.runbook
        prose = [book.symptom, *(command.say for command in book.investigation), *book.resolution]
        allowed = {alert.threshold, round(alert.threshold * 100, 6)}
        for text in prose:
            for found in _NUMBER.findall(_NOT_PROSE.sub("", fill(text, ctx.stack, alert))):
                if float(found) not in allowed:
                    yield Finding(ctx.where(alert), f"alert {alert.name}: its runbook states {found}, which is not "
                                                    f"its threshold ({threshold_text(alert)}): write {{threshold}}, "
                                                    "{for} or {namespace} instead of the number")  # fmt: skip


def known_metrics(ctx: Context) -> Iterator[Finding]:
    known = ctx.stack.metric_types()
    if not known:
        yield Finding((str(ctx.specs), 0), "the specs declare no Metric catalog to check expressions against")
        return
    for subject, label, expr in expressions(ctx.stack):
        for name in promql.metric_names(expr):
            if name not in known:
                yield Finding(ctx.where(subject), f"{label} reads {name!r}, which is not in the metrics catalog")


def counter_functions(ctx: Context) -> Iterator[Finding]:
    known = ctx.stack.metric_types()
    for subject, label, expr in expressions(ctx.stack):
        for call in promql.calls(expr):
            if call.function not in COUNTER_FUNCTIONS:
                continue
            for name in promql.selector_names(call.args[0]):
                if known.get(name, "counter") != "counter":
                    yield Finding(ctx.where(subject), f"{label} applies {call.function}() to {name!r}, a "
                                                      f"{known[name]}: {call.function}() is only meaningful over "
                                                      "counters")  # fmt: skip


def histogram_quantiles(ctx: Context) -> Iterator[Finding]:
    for subject, label, expr in expressions(ctx.stack):
        for call in promql.calls(expr):
            if call.function != "histogram_quantile":
                continue
            inner = call.args[1]
            names = promql.selector_names(inner)
            if not names or not all(name.endswith("_bucket") for name in names):
                yield Finding(
                    ctx.where(subject), f"{label}: histogram_quantile() must read _bucket series, reads {names}"
                )
            groups = [
                promql.grouping_labels(node)
                for node in promql.walk(inner)
                if isinstance(node, promql_parser.AggregateExpr)
            ]
            if any(group is None or "le" not in group for group in groups):
                yield Finding(ctx.where(subject), f"{label}: histogram_quantile() needs its aggregation to keep `le` "
                                                  "(sum by (..., le))")  # fmt: skip


def expressions(stack: Stack) -> list[tuple[Model, str, str]]:
    """Every PromQL expression the specs hold: (the object that declares it, how to name it, the expression)."""
    found: list[tuple[Model, str, str]] = [(a, f"alert {a.name}", a.expr) for a in stack.alerts]
    found.extend((r, f"recording {r.record}", r.expr) for r in stack.recordings)
    for dashboard in stack.dashboards:
        for panel in dashboard.panels:
            found.extend((panel, f"panel {panel.title!r}", query.expr) for query in panel.queries)
        found.extend((dashboard, f"annotation {a.name!r}", a.expr) for a in dashboard.annotations)
    return found


CHECKS = [
    Check(
        "annotation-labels",
        "error",
        "every label an annotation template reads is carried by its alert",
        annotation_labels,
    ),
    Check("runbook-numbers", "error", "a runbook states no number other than its alert's threshold", runbook_numbers),
    Check("known-metrics", "error", "every metric an expression reads is in the metrics catalog", known_metrics),
    Check("counter-functions", "error", "rate/irate/increase/resets only over counters", counter_functions),
    Check(
        "histogram-quantile", "error", "histogram_quantile over _bucket series aggregated by le", histogram_quantiles
    ),
]
