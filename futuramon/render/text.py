"""How values read in annotations, links and file names: shared by every renderer."""

from __future__ import annotations

import re

from futuramon.model import Alert, Stack, number

_UNIT_SUFFIX = {"s": "s", "reqps": " req/s", "cps": "/s", "ops": " ops/s", "bytes": " B", "percent": "%"}


def threshold_text(alert: Alert) -> str:
    """The threshold as a person reads it: 90%, 2s, 10 req/s."""
    if alert.unit == "percentunit":
        return f"{number(round(alert.threshold * 100, 6))}%"
    return number(alert.threshold) + _UNIT_SUFFIX.get(alert.unit, "")


def fill(text: str, alert: Alert) -> str:
    """Replace {threshold} and {for} in an alert's summary or description with its own values."""
    return text.replace("{threshold}", threshold_text(alert)).replace("{for}", alert.for_)


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def runbook_url(stack: Stack, alert: Alert) -> str:
    return f"{stack.settings.runbook_base_url.rstrip('/')}/{alert.name}.md"


def dashboard_url(stack: Stack, alert: Alert) -> str:
    dashboard, panel_id = stack.panel_of(alert)
    base = stack.settings.grafana_url.rstrip("/")
    return f"{base}/d/{dashboard.uid}/{slug(dashboard.title)}?viewPanel={panel_id}"


def alert_annotations(stack: Stack, alert: Alert) -> dict[str, str]:
    return {
        "summary": fill(alert.summary, alert),
        "description": fill(alert.description, alert),
        "runbook_url": runbook_url(stack, alert),
        "dashboard_url": dashboard_url(stack, alert),
    }


def alert_labels(alert: Alert) -> dict[str, str]:
    return dict(sorted({**alert.labels, "severity": alert.severity, "category": alert.category}.items()))
