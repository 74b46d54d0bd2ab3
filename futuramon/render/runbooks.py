"""Runbook pages, one Markdown file per alert, linked from its `runbook_url`."""

from __future__ import annotations

from typing import Any

from futuramon import templates
from futuramon.model import Alert, Stack
from futuramon.render.text import alert_annotations, alert_labels, fill


def runbook(stack: Stack, alert: Alert) -> str:
    book = alert.runbook
    return templates.render(
        "runbooks/alert.md.j2",
        alert=_page_values(alert),
        recordings=stack.recordings_read_by(alert.signal),
        symptom=fill(book.symptom, stack, alert),
        investigation=[(fill(c.say, stack, alert), fill(c.run, stack, alert)) for c in book.investigation],
        resolution=[fill(line, stack, alert) for line in book.resolution],
        annotations=alert_annotations(stack, alert),
        receivers=stack.routing.receivers_for(alert_labels(alert)),
    )


def _page_values(alert: Alert) -> dict[str, Any]:
    """What the page shows of the alert, as plain values: the sandbox checks every attribute it reads of an
    object, not the keys of a dict (15,000 pages read 250,000 of them)."""
    return {
        "name": alert.name,
        "severity": alert.severity,
        "category": alert.category,
        "expr": alert.expr,
        "for_": alert.for_,
        "panel": alert.panel,
        "tests": [{"name": case.name, "at": case.at, "fires": case.fires} for case in alert.tests],
    }
