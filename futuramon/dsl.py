"""What spec modules import: the model's objects and a few helpers that keep specs short.

A spec module declares objects at module level; the loader collects every
`Settings`, `RuleGroup`, `Dashboard`, `Receiver`, `Routing`, `Metric` and `Environment` it finds there
(also inside lists and tuples), in file and declaration order.
"""

from __future__ import annotations

from typing import Literal

from futuramon.cases import counter, fires, gauge, histogram, quiet, series
from futuramon.model import (
    Alert,
    AlertCase,
    AlertOverride,
    Annotation,
    Command,
    Dashboard,
    DashboardOverride,
    Discord,
    Email,
    Environment,
    Grid,
    Inhibit,
    InhibitCase,
    Link,
    Metric,
    Opsgenie,
    PagerDuty,
    Panel,
    Query,
    Receiver,
    Recording,
    Route,
    RouteCase,
    Routing,
    Row,
    RuleGroup,
    Runbook,
    Series,
    Settings,
    Slack,
    Teams,
    TimeInterval,
    TimePeriod,
    Variable,
    VerbatimRule,
    Webhook,
)

__all__ = [
    "Alert",
    "AlertCase",
    "AlertOverride",
    "Annotation",
    "Command",
    "Dashboard",
    "DashboardOverride",
    "Discord",
    "Email",
    "Environment",
    "Grid",
    "Inhibit",
    "InhibitCase",
    "Link",
    "Metric",
    "Opsgenie",
    "PagerDuty",
    "Panel",
    "Query",
    "Receiver",
    "Recording",
    "Route",
    "RouteCase",
    "Routing",
    "Row",
    "RuleGroup",
    "Runbook",
    "Series",
    "Settings",
    "Slack",
    "Teams",
    "TimeInterval",
    "TimePeriod",
    "Variable",
    "VerbatimRule",
    "Webhook",
    "alert",
    "counter",
    "fires",
    "gauge",
    "histogram",
    "quiet",
    "route",
    "runbook",
    "series",
    "signal_panel",
    "step",
]  # fmt: skip


def alert(
    name: str,
    *,
    signal: str,
    op: Literal[">", "<", ">=", "<=", "==", "!="],
    threshold: float,
    for_: str,
    severity: str,
    category: str,
    summary: str,
    description: str,
    runbook: Runbook,
    panel: str,
    unit: str = "short",
    keep_firing_for: str | None = None,
    labels: dict[str, str] | None = None,
    tests: tuple[AlertCase, ...] = (),
) -> Alert:
    """An alert: fires when `signal op threshold` has held for `for_` (`for` is a Python keyword)."""
    return Alert(name=name, signal=signal, op=op, threshold=threshold, for_=for_, keep_firing_for=keep_firing_for,
                 severity=severity, category=category, summary=summary, description=description, runbook=runbook,
                 panel=panel, unit=unit, labels=labels or {}, tests=tests)  # fmt: skip


def step(say: str, run: str = "") -> Command:
    return Command(say=say, run=run)


def runbook(symptom: str, investigation: list[Command], resolution: list[str]) -> Runbook:
    return Runbook(symptom=symptom, investigation=tuple(investigation), resolution=tuple(resolution))


def route(
    *matchers: str,
    receiver: str | None = None,
    group_by: tuple[str, ...] | None = None,
    group_wait: str | None = None,
    group_interval: str | None = None,
    repeat_interval: str | None = None,
    mute_time_intervals: tuple[str, ...] = (),
    active_time_intervals: tuple[str, ...] = (),
    routes: tuple[Route, ...] = (),
    continue_: bool = False,
) -> Route:
    """A route for alerts matching every matcher; what it leaves out (None) it inherits from its parent."""
    return Route(
        matchers=matchers,
        receiver=receiver,
        group_by=group_by,
        group_wait=group_wait,
        group_interval=group_interval,
        repeat_interval=repeat_interval,
        mute_time_intervals=mute_time_intervals,
        active_time_intervals=active_time_intervals,
        routes=routes,
        continue_=continue_,
    )


def signal_panel(
    source: Alert,
    kind: Literal["timeseries", "stat", "gauge", "table", "bargauge", "heatmap"],
    legend: str = "",
    more: tuple[Query, ...] = (),
    *,
    description: str = "",
    width: int = 12,
    height: int = 8,
    grid: Grid | None = None,
    min: float | None = None,
    max: float | None = None,
) -> Panel:
    """The panel that plots an alert's own signal (and `more` queries), with the alert's threshold drawn on it."""
    return Panel(title=source.panel, kind=kind, queries=(Query(expr=source.signal, legend=legend), *more),
                 unit=source.unit, thresholds_from=source.name, description=description, width=width, height=height,
                 grid=grid, min=min, max=max)  # fmt: skip
