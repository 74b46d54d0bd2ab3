"""Lint rules on dashboards: the grid, the queries, and thresholds taken from the alerts."""

from __future__ import annotations

from futuramon.checks.base import Check, Context, Problem
from futuramon.model import Grid

COLUMNS = 24


def panel_grid(ctx: Context, check: Check) -> list[Problem]:
    problems = []
    for dashboard in ctx.stack.dashboards:
        placed: list[tuple[str, Grid]] = []
        for panel, grid in zip(dashboard.panels, dashboard.positions(), strict=True):
            if grid.x + grid.w > COLUMNS:
                problems.append(
                    check.problem(
                        ctx.where(panel), f"panel {panel.title!r} ends at column {grid.x + grid.w}, past {COLUMNS}"
                    )
                )
            for other, taken in placed:
                if _overlap(grid, taken):
                    problems.append(
                        check.problem(ctx.where(panel), f"panel {panel.title!r} overlaps panel {other!r} on the grid")
                    )
            placed.append((panel.title, grid))
    return problems


def _overlap(a: Grid, b: Grid) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def panel_thresholds(ctx: Context, check: Check) -> list[Problem]:
    """A panel that plots an alert's signal must draw that alert's threshold."""
    problems = []
    for dashboard in ctx.stack.dashboards:
        for panel in dashboard.panels:
            queries = {query.expr for query in panel.queries}
            for alert in ctx.stack.alerts:
                if alert.signal in queries and panel.thresholds_from != alert.name:
                    problems.append(
                        check.problem(
                            ctx.where(panel),
                            f"panel {panel.title!r} plots the signal of {alert.name} but does not draw its threshold "
                            f"(set thresholds_from={alert.name!r}, or build it with signal_panel)",
                        )
                    )
            if panel.thresholds_from and ctx.stack.alert(panel.thresholds_from).signal not in queries:
                problems.append(
                    check.problem(
                        ctx.where(panel),
                        f"panel {panel.title!r} draws the threshold of {panel.thresholds_from} but does not plot its "
                        "signal, so the line means nothing there",
                    )
                )
    return problems


CHECKS = [
    Check("panel-grid", "error", "dashboard panels do not overlap and stay within 24 columns", panel_grid),
    Check(
        "panel-thresholds",
        "error",
        "a panel that plots an alert's signal draws that alert's threshold",
        panel_thresholds,
    ),
]
