"""Grafana dashboards as classic dashboard JSON, built with grafana-foundation-sdk.

The SDK stays behind this module: specs only see futuramon's `Dashboard` and `Panel`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from grafana_foundation_sdk.builders import (
    bargauge,
    common,
    dashboard,
    gauge,
    heatmap,
    prometheus,
    stat,
    table,
    text,
    timeseries,
)
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common as common_models
from grafana_foundation_sdk.models import dashboard as models
from grafana_foundation_sdk.models import prometheus as prometheus_models
from grafana_foundation_sdk.models import text as text_models

from futuramon.model import Alert, Annotation, Dashboard, Grid, Link, Panel, Row, Stack, Variable, filler

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
    for variable in source.variables:
        built = built.with_variable(_variable(variable))
    for annotation in source.annotations:
        built = built.annotation(_annotation(annotation))
    for link in source.links:
        built = built.link(_link(stack, link))
    grids, headers = source.layout()
    variables = filler({key: f"${key}" for key in stack.stamp_keys})  # a stamped signal plotted for $service
    panels = [_panel(p, g, stack.alert(p.thresholds_from) if p.thresholds_from else None, variables)
              for p, g in zip(source.panels, grids, strict=True)]  # fmt: skip
    top = len(source.top_panels)
    for panel in panels[:top]:
        built = built.with_panel(panel)
    for row, y in zip(source.rows, headers, strict=True):
        inside, top = panels[top : top + len(row.panels)], top + len(row.panels)
        header = dashboard.Row(row.title).id(_row_id(row)).collapsed(row.collapsed)
        header = header.grid_pos(models.GridPos(h=1, w=24, x=0, y=y))
        for panel in inside if row.collapsed else []:
            header = header.with_panel(panel)  # a collapsed row holds its panels
        built = built.with_row(header)
        for panel in [] if row.collapsed else inside:
            built = built.with_panel(panel)
    encoded: dict[str, Any] = json.loads(json.dumps(built.build(), cls=JSONEncoder))
    for annotation, rendered in zip(source.annotations, encoded["annotations"]["list"][1:], strict=True):
        # Prometheus' annotation fields, which the SDK has no setters for
        rendered.update({"step": annotation.step, "titleFormat": annotation.title, "textFormat": annotation.text})
    return encoded


def _row_id(row: Row) -> int:
    return Panel(title=f"row: {row.title}", kind="text", content="-").id


def _variable(variable: Variable) -> Any:
    return (
        dashboard.QueryVariable(variable.name)
        .label(variable.label or variable.name)
        .datasource(DATASOURCE)
        .query({"query": variable.query, "refId": "PrometheusVariableQueryEditor-VariableQuery"})
        .refresh(models.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(models.VariableSort.ALPHABETICAL_ASC)
        .multi(variable.multi)
        .include_all(variable.include_all)
        .all_value(".*" if variable.include_all else "")
    )


def _annotation(annotation: Annotation) -> Any:
    return (
        dashboard.AnnotationQuery()
        .name(annotation.name)
        .datasource(DATASOURCE)
        .enable(True)
        .icon_color(annotation.color)
        .expr(annotation.expr)
    )


def _link(stack: Stack, link: Link) -> Any:
    target = next(d for d in stack.dashboards if d.uid == link.to)
    return (
        dashboard.DashboardLink(link.title)
        .type(models.DashboardLinkType.LINK)
        .url(f"/d/{target.uid}")
        .tooltip(target.title)
        .icon("dashboard")
        .include_vars(True)
        .keep_time(True)
        .as_dropdown(False)
        .target_blank(False)
    )


def _panel(panel: Panel, grid: Grid, threshold: Alert | None, variables: Callable[[str], str]) -> Any:
    builder = _visual(panel, threshold).id(panel.id).title(panel.title)
    builder = builder.grid_pos(models.GridPos(h=grid.h, w=grid.w, x=grid.x, y=grid.y))
    if panel.description:
        builder = builder.description(panel.description)
    if panel.kind == "text":
        return builder
    builder = builder.datasource(DATASOURCE).unit(panel.unit).thresholds(_thresholds(threshold))
    if panel.min is not None:
        builder = builder.min(panel.min)
    if panel.max is not None:
        builder = builder.max(panel.max)
    for index, query in enumerate(panel.queries):
        target = prometheus.Dataquery().expr(variables(query.expr)).ref_id(chr(ord("A") + index)).datasource(DATASOURCE)
        if query.legend:
            target = target.legend_format(query.legend)
        if panel.kind == "table":
            target = target.instant().format(prometheus_models.PromQueryFormat.TABLE)
        if panel.kind == "heatmap":  # histogram buckets, one band per `le`
            target = target.format(prometheus_models.PromQueryFormat.HEATMAP).legend_format(query.legend or "{{le}}")
        builder = builder.with_target(target)
    return builder


def _visual(panel: Panel, threshold: Alert | None) -> Any:
    """The panel's own kind, with the options that make it read well."""
    last = common.ReduceDataOptions().calcs(["lastNotNull"])
    match panel.kind:
        case "timeseries":
            legend = (
                common.VizLegendOptions()
                .show_legend(True)
                .display_mode(common_models.LegendDisplayMode.LIST)
                .placement(common_models.LegendPlacement.BOTTOM)
            )
            built = timeseries.Panel().fill_opacity(10).legend(legend)
            if threshold is not None:
                built = built.thresholds_style(
                    common.GraphThresholdsStyleConfig().mode(common_models.GraphThresholdsStyleMode.LINE_AND_AREA)
                )
            return built
        case "stat":
            return (
                stat.Panel()
                .color_mode(common_models.BigValueColorMode.BACKGROUND)
                .graph_mode(common_models.BigValueGraphMode.AREA)
                .reduce_options(last)
            )
        case "gauge":
            return gauge.Panel().show_threshold_markers(True).reduce_options(last)
        case "bargauge":
            return (
                bargauge.Panel()
                .display_mode(common_models.BarGaugeDisplayMode.GRADIENT)
                .orientation(common_models.VizOrientation.HORIZONTAL)
                .reduce_options(last)
            )
        case "table":
            return table.Panel()
        case "heatmap":
            return heatmap.Panel()
        case "text":
            return text.Panel().mode(text_models.TextMode.MARKDOWN).content(panel.content)


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
