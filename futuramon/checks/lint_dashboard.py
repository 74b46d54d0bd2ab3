"""Lint rules on dashboards: the grid, the queries, and thresholds taken from the alerts."""

from __future__ import annotations

from collections.abc import Iterator

from futuramon.checks.base import Check, Context, Finding
from futuramon.model import Alert, Dashboard, Grid, Panel

COLUMNS = 24


def panel_grid(ctx: Context) -> Iterator[Finding]:
    for dashboard in ctx.stack.dashboards:
        placed: list[tuple[str, Grid]] = []
        for panel, grid in zip(dashboard.panels, dashboard.positions(), strict=True):
            if grid.x + grid.w > COLUMNS:
                yield Finding(
                    ctx.where(panel), f"panel {panel.title!r} ends at column {grid.x + grid.w}, past {COLUMNS}"
                )
            for other, taken in placed:
                if _overlap(grid, taken):
                    yield Finding(ctx.where(panel), f"panel {panel.title!r} overlaps panel {other!r} on the grid")
            placed.append((panel.title, grid))


def _overlap(a: Grid, b: Grid) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def panel_thresholds(ctx: Context) -> Iterator[Finding]:
    """A panel that plots an alert's signal must draw that alert's threshold (a stamped alert's: its template)."""
    by_signal: dict[str, list[Alert]] = {}
    for alert in ctx.stack.declared_alerts:
        by_signal.setdefault(alert.signal, []).append(alert)
    for dashboard in ctx.stack.dashboards:
        for panel in dashboard.panels:
            queries = {query.expr for query in panel.queries}
            for alert in [alert for expr in sorted(queries) for alert in by_signal.get(expr, [])]:
                if panel.thresholds_from != alert.name:
                    yield Finding(ctx.where(panel), f"panel {panel.title!r} plots the signal of {alert.name} but does "
                                                    f"not draw its threshold (set thresholds_from={alert.name!r}, or "
                                                    "build it with signal_panel)")  # fmt: skip
            if panel.thresholds_from and ctx.stack.alert(panel.thresholds_from).signal not in queries:
                yield Finding(ctx.where(panel), f"panel {panel.title!r} draws the threshold of "
                                                f"{panel.thresholds_from} but does not plot its signal, so the line "
                                                "means nothing there")  # fmt: skip


def panel_signal(ctx: Context) -> Iterator[Finding]:
    """The panel an alert's `dashboard_url` opens must plot that alert's own signal (a stamped alert's: its
    template, which the panel shows with the dashboard's variables)."""
    panels: dict[str, tuple[Dashboard, Panel]] = {}
    for board in ctx.stack.dashboards:
        for shown in board.panels:
            panels.setdefault(shown.title, (board, shown))  # the first of a title, as Stack.panel_of finds it
    for alert in ctx.stack.declared_alerts:
        dashboard, panel = panels[alert.panel]
        if alert.signal not in {query.expr for query in panel.queries}:
            yield Finding(ctx.where(alert), f"alert {alert.name} links to panel {panel.title!r} of {dashboard.uid}, "
                                            "which does not plot its signal: point `panel` at a panel built with "
                                            "signal_panel(...) from this alert")  # fmt: skip


CHECKS = [
    Check("panel-grid", "error", "dashboard panels do not overlap and stay within 24 columns", panel_grid),
    Check(
        "panel-thresholds",
        "error",
        "a panel that plots an alert's signal draws that alert's threshold",
        panel_thresholds,
    ),
    Check("panel-signal", "error", "every alert's dashboard_url opens a panel that plots its own signal", panel_signal),
]
