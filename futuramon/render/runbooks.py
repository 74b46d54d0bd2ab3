"""Runbook pages, one Markdown file per alert, linked from its `runbook_url`."""

from __future__ import annotations

from typing import Any

from futuramon import cases, templates
from futuramon.model import Alert, Stack
from futuramon.render.text import alert_annotations, alert_labels, fill


def runbook(stack: Stack, alert: Alert, for_each: tuple[dict[str, str], ...] = ()) -> str:
    """An alert's page; a stamped alert's one page (`for_each`: its parameter sets) shows its template, the
    `{key}` placeholders as they are, and the sets it is stamped out for."""
    book = alert.runbook
    return templates.render(
        "runbooks/alert.md.j2",
        alert=_page_values(stack, alert),
        recordings=stack.recordings_read_by(alert.signal),
        symptom=fill(book.symptom, stack, alert),
        investigation=[(fill(c.say, stack, alert), fill(c.run, stack, alert)) for c in book.investigation],
        resolution=[fill(line, stack, alert) for line in book.resolution],
        annotations=alert_annotations(stack, alert),
        notifies=_notifies(stack, alert_labels(alert), for_each),
        stamped=_stamped(for_each),
    )


def _notifies(stack: Stack, labels: dict[str, str], for_each: tuple[dict[str, str], ...]) -> str:
    """The receivers the alert reaches; a stamped alert's copies each with their own labels, when a route reads
    one of them (distinct receivers listed with the first set that reaches them)."""
    routing = stack.routing
    if not for_each or not routing.matched_labels() & set(for_each[0]):
        return " → ".join(routing.receivers_for(labels))
    reached: dict[str, dict[str, str]] = {}
    for values in for_each:
        reached.setdefault(" → ".join(routing.receivers_for({**labels, **values})), values)
    return "; ".join(f"{chain} ({_set(values)}, …)" for chain, values in reached.items())


def _stamped(for_each: tuple[dict[str, str], ...], shown: int = 3) -> str:
    """The parameter sets a stamped alert is stamped out for, the first few of them named."""
    if not for_each:
        return ""
    named = ", ".join(f"`{_set(values)}`" for values in for_each[:shown])
    more = f", … `{_set(for_each[-1])}`" if len(for_each) > shown else ""
    return f"once per parameter set ({len(for_each)}): {named}{more}"


def _set(values: dict[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(values.items()))


def _page_values(stack: Stack, alert: Alert) -> dict[str, Any]:
    """What the page shows of the alert, as plain values: the sandbox checks every attribute it reads of an
    object, not the keys of a dict (15,000 pages read 250,000 of them)."""
    return {
        "name": alert.name,
        "severity": alert.severity,
        "category": alert.category,
        "expr": alert.expr,
        "for_": alert.for_,
        "panel": alert.panel,
        "tests": [{"name": case.name, "at": case.at, "fires": case.fires} for case in cases.expanded(stack, alert)],
    }
