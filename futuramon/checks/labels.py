"""The labels an alert carries when it fires, as far as its definition tells, for the checks that need them."""

from __future__ import annotations

from futuramon import promql
from futuramon.model import Alert, Stack, matcher_parts, matches
from futuramon.render.text import alert_labels


def static_labels(alert: Alert) -> dict[str, str]:
    """The labels the rule sets itself: alertname, severity, category and its own."""
    return {"alertname": alert.name, **alert_labels(alert)}


def carried(stack: Stack) -> list[tuple[Alert, frozenset[str] | None]]:
    """Each alert, with every label name it carries when it fires: its static labels and what its expression
    keeps (None when the expression reads a metric the catalog does not describe)."""
    catalog = stack.series_labels()
    found = []
    for alert in stack.alerts:
        kept = promql.output_labels(alert.expr, catalog)
        found.append((alert, None if kept is None else kept | set(static_labels(alert))))
    return found


def can_match(matchers: tuple[str, ...], alert: Alert, labels: frozenset[str] | None) -> bool:
    """Whether some firing of `alert` can satisfy every matcher: static labels are known values, a label the
    expression keeps could hold any value, and a label it does not carry is empty."""
    static = static_labels(alert)
    for matcher in matchers:
        name, _, _ = matcher_parts(matcher)
        known = name in static or (labels is not None and name not in labels)
        if known and not matches(matcher, static):
            return False
    return True
