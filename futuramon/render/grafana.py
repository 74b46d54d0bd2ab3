"""Grafana dashboards as classic dashboard JSON, built with grafana-foundation-sdk.

The SDK stays behind this module: specs only see futuramon's `Dashboard` and `Panel`.
"""

from __future__ import annotations

import json
from typing import Any

from grafana_foundation_sdk.builders import common, dashboard, gauge, prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common as common_models
from grafana_foundation_sdk.models import dashboard as models

from futuramon.model import Alert, Dashboard, Grid, Panel, Stack

DATASOURCE = models.DataSourceRef(type_val="prometheus", uid="${datasource}")


def dashboard_json(stack: Stack, source: Dashboard) -> dict[str, Any]:
    built = (
        dashboard.Dashboard(source.title)
        .uid(source.uid)
        .tags(list(source.tags))
        .refresh(source.refresh)
        .time(source.time_from, "now")
        .timezone("browser")
        .editable()
        .tooltip(models.DashboardCursorSync.CROSSHAIR)
        .timepicker(dashboard.TimePicker().refresh_intervals(list(source.refresh_intervals)))
        .annotation(
            dashboard.AnnotationQuery()
            .name("Annotations & Alerts")
            .datasource(models.DataSourceRef(type_val="grafana", uid="-- Grafana --"))
            .enable(True)
            .hide(True)
            .icon_color("rgba(0, 211, 255, 1)")
            .built_in(1)
            .type("dashboard")
        )
        .with_variable(dashboard.DatasourceVariable("datasource").label("Data source").type("prometheus"))
    )
    for panel, grid in zip(source.panels, source.positions(), strict=True):
        threshold = stack.alert(panel.thresholds_from) if panel.thresholds_from else None
        built = built.with_panel(_panel(panel, grid, threshold))
    encoded: dict[str, Any] = json.loads(json.dumps(built.build(), cls=JSONEncoder))
    return encoded


def _panel(panel: Panel, grid: Grid, threshold: Alert | None) -> Any:
    builder: Any
    if panel.kind == "timeseries":
        builder = (
            timeseries.Panel()
            .fill_opacity(10)
            .legend(
                common.VizLegendOptions()
                .show_legend(True)
                .display_mode(common_models.LegendDisplayMode.LIST)
                .placement(common_models.LegendPlacement.BOTTOM)
            )
        )
        if threshold is not None:
            builder = builder.thresholds_style(
                common.GraphThresholdsStyleConfig().mode(common_models.GraphThresholdsStyleMode.LINE_AND_AREA)
            )
    elif panel.kind == "stat":
        builder = (
            stat.Panel()
            .color_mode(common_models.BigValueColorMode.BACKGROUND)
            .graph_mode(common_models.BigValueGraphMode.AREA)
            .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]))
        )
    else:
        builder = (
            gauge.Panel().show_threshold_markers(True).reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]))
        )
    builder = (
        builder.id(panel.id)
        .title(panel.title)
        .grid_pos(models.GridPos(h=grid.h, w=grid.w, x=grid.x, y=grid.y))
        .datasource(DATASOURCE)
        .unit(panel.unit)
        .thresholds(_thresholds(threshold))
    )
    if panel.description:
        builder = builder.description(panel.description)
    if panel.min is not None:
        builder = builder.min(panel.min)
    if panel.max is not None:
        builder = builder.max(panel.max)
    for index, query in enumerate(panel.queries):
        target = prometheus.Dataquery().expr(query.expr).ref_id(chr(ord("A") + index)).datasource(DATASOURCE)
        if query.legend:
            target = target.legend_format(query.legend)
        builder = builder.with_target(target)
    return builder


def _thresholds(alert: Alert | None) -> dashboard.ThresholdsConfig:
    """Red where the alert's comparison holds: above an upper threshold, below a lower one, and for `==`
    (`!=`) a red (green) band that starts at the threshold and ends right after it."""
    green, red = "green", "red"
    steps = [models.Threshold(color=green, value=None)]
    if alert is not None:
        at, after = alert.threshold, alert.threshold + max(abs(alert.threshold), 1) * 1e-6
        if alert.op in (">", ">="):
            steps.append(models.Threshold(color=red, value=at))
        elif alert.op in ("<", "<="):
            steps = [models.Threshold(color=red, value=None), models.Threshold(color=green, value=at)]
        else:
            inside, outside = (red, green) if alert.op == "==" else (green, red)
            steps = [models.Threshold(color=outside, value=None), models.Threshold(color=inside, value=at),
                     models.Threshold(color=outside, value=after)]  # fmt: skip
    return dashboard.ThresholdsConfig().mode(models.ThresholdsMode.ABSOLUTE).steps(steps)
