"""Runbook pages, one Markdown file per alert, linked from its `runbook_url`."""

from __future__ import annotations

from futuramon import templates
from futuramon.model import Alert, Stack
from futuramon.render.text import alert_annotations, alert_labels


def runbook(stack: Stack, alert: Alert) -> str:
    return templates.render(
        "runbooks/alert.md.j2",
        alert=alert,
        annotations=alert_annotations(stack, alert),
        receivers=stack.routing.receivers_for(alert_labels(alert)),
    )
