"""How values read in annotations, links and file names: shared by every renderer."""

from __future__ import annotations

import re

from futuramon.model import Alert, Stack, reading


def threshold_text(alert: Alert) -> str:
    """The threshold as a person reads it: 90%, 2s, 10 req/s."""
    return reading(alert.threshold, alert.unit)


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill(text: str, stack: Stack, alert: Alert) -> str:
    """Fill {threshold}, {for}, {namespace}, {alert}, {severity}, {category} and the alert's own labels
    ({team} for labels={"team": ...}) into a text written for the alert; other braces stay as they are."""
    if "{" not in text:
        return text
    values = {**alert.labels, "threshold": threshold_text(alert), "for": alert.for_,
              "namespace": stack.settings.namespace, "alert": alert.name, "severity": alert.severity,
              "category": alert.category}  # fmt: skip
    return _PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), text)


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def runbook_url(stack: Stack, alert: Alert) -> str:
    return f"{stack.settings.runbook_base_url.rstrip('/')}/{alert.name}.md"


def dashboard_url(stack: Stack, alert: Alert) -> str:
    dashboard, panel = stack.panel_of(alert)
    base = stack.settings.grafana_url.rstrip("/")
    return f"{base}/d/{dashboard.uid}/{slug(dashboard.title)}?viewPanel={panel.id}"


def alert_annotations(stack: Stack, alert: Alert) -> dict[str, str]:
    return {
        "summary": fill(alert.summary, stack, alert),
        "description": fill(alert.description, stack, alert),
        "runbook_url": runbook_url(stack, alert),
        "dashboard_url": dashboard_url(stack, alert),
    }


def alert_labels(alert: Alert) -> dict[str, str]:
    return dict(sorted({**alert.labels, "severity": alert.severity, "category": alert.category}.items()))
