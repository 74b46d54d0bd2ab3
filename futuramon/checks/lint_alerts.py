"""Lint rules on alerts and their PromQL, each its own check."""

from __future__ import annotations

import promql_parser

from futuramon import promql
from futuramon.checks.base import Check, Context, Problem
from futuramon.model import Model
from futuramon.render.text import alert_annotations

REQUIRED_ANNOTATIONS = ("summary", "description", "runbook_url", "dashboard_url")
COUNTER_FUNCTIONS = {"rate", "irate", "increase", "resets"}


def alert_metadata(ctx: Context, check: Check) -> list[Problem]:
    problems = []
    settings = ctx.stack.settings
    for alert in ctx.stack.alerts:
        rendered = alert_annotations(ctx.stack, alert)
        missing = [k for k in REQUIRED_ANNOTATIONS if not rendered.get(k, "").strip()]
        if alert.severity not in settings.severities:
            missing.append(f"severity from {settings.severities}")
        if not alert.category:
            missing.append("category")
        if not alert.for_:
            missing.append("for")
        if missing:
            problems.append(check.problem(ctx.where(alert), f"alert {alert.name} lacks {', '.join(missing)}"))
    return problems


def known_metrics(ctx: Context, check: Check) -> list[Problem]:
    known = ctx.stack.metric_types()
    if not known:
        return [check.problem((str(ctx.specs), 0), "the specs declare no Metric catalog to check expressions against")]
    problems = []
    for subject, label, expr in _expressions(ctx):
        for name in promql.metric_names(expr):
            if name not in known:
                problems.append(
                    check.problem(ctx.where(subject), f"{label} reads {name!r}, which is not in the metrics catalog")
                )
    return problems


def counter_functions(ctx: Context, check: Check) -> list[Problem]:
    known = ctx.stack.metric_types()
    problems = []
    for subject, label, expr in _expressions(ctx):
        for call in promql.calls(expr):
            if call.function not in COUNTER_FUNCTIONS:
                continue
            for name in promql.selector_names(call.args[0]):
                if known.get(name, "counter") != "counter":
                    problems.append(
                        check.problem(
                            ctx.where(subject),
                            f"{label} applies {call.function}() to {name!r}, a {known[name]}: "
                            f"{call.function}() is only meaningful over counters",
                        )
                    )
    return problems


def histogram_quantiles(ctx: Context, check: Check) -> list[Problem]:
    problems = []
    for subject, label, expr in _expressions(ctx):
        for call in promql.calls(expr):
            if call.function != "histogram_quantile":
                continue
            inner = call.args[1]
            names = promql.selector_names(inner)
            if not names or not all(name.endswith("_bucket") for name in names):
                problems.append(
                    check.problem(
                        ctx.where(subject), f"{label}: histogram_quantile() must read _bucket series, reads {names}"
                    )
                )
            groups = [
                promql.grouping_labels(node)
                for node in promql.walk(inner)
                if isinstance(node, promql_parser.AggregateExpr)
            ]
            if any(group is None or "le" not in group for group in groups):
                problems.append(
                    check.problem(
                        ctx.where(subject),
                        f"{label}: histogram_quantile() needs its aggregation to keep `le` (sum by (..., le))",
                    )
                )
    return problems


def _expressions(ctx: Context) -> list[tuple[Model, str, str]]:
    found: list[tuple[Model, str, str]] = [(a, f"alert {a.name}", a.expr) for a in ctx.stack.alerts]
    for dashboard in ctx.stack.dashboards:
        for panel in dashboard.panels:
            found.extend((panel, f"panel {panel.title!r}", query.expr) for query in panel.queries)
    return found


CHECKS = [
    Check(
        "alert-metadata",
        "error",
        "every alert has an allowed severity, a category, a for, and all four "
        "annotations (summary, description, runbook_url, dashboard_url)",
        alert_metadata,
    ),
    Check("known-metrics", "error", "every metric an expression reads is in the metrics catalog", known_metrics),
    Check("counter-functions", "error", "rate/irate/increase/resets only over counters", counter_functions),
    Check(
        "histogram-quantile", "error", "histogram_quantile over _bucket series aggregated by le", histogram_quantiles
    ),
]
