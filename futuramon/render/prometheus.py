"""Prometheus rule groups, as the data `promtool check rules` and Prometheus read."""

from __future__ import annotations

from typing import Any

from futuramon.model import RuleGroup, Stack
from futuramon.render.text import alert_annotations, alert_labels


def rule_groups(stack: Stack) -> dict[str, Any]:
    return {"groups": [_group(stack, group) for group in stack.rule_groups]}


def _group(stack: Stack, group: RuleGroup) -> dict[str, Any]:
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
        for alert in group.alerts
    ]
    return rendered
