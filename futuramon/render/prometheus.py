"""Prometheus rule groups, as the data `promtool check rules` and Prometheus read."""

from __future__ import annotations

from typing import Any

from futuramon.model import Alert, RuleGroup, Stack
from futuramon.render.text import alert_annotations, alert_labels


def rule_groups(stack: Stack) -> dict[str, Any]:
    return {"groups": [_group(stack, group, group.alerts) for group in stack.rule_groups]}


def rule_alone(stack: Stack, alert: Alert) -> dict[str, Any]:
    """One alert's rule, in its own group (same name and interval), as a rule file of its own."""
    group = next(g for g in stack.rule_groups if alert in g.alerts)
    return {"groups": [_group(stack, group, (alert,))]}


def _group(stack: Stack, group: RuleGroup, alerts: tuple[Alert, ...]) -> dict[str, Any]:
    rendered: dict[str, Any] = {"name": group.name}
    if group.interval:
        rendered["interval"] = group.interval
    rendered["rules"] = [
        {
            "alert": alert.name,
            "expr": alert.expr,
            "for": alert.for_,
            "labels": alert_labels(alert),
            "annotations": alert_annotations(stack, alert),
        }
        for alert in alerts
    ]
    return rendered
