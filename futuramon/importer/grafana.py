"""Grafana dashboard JSON → a `Dashboard`: panels, rows, query variables, annotations and links.

What futuramon renders by itself (the data source variable, the built-in annotation, each kind's display
options) is not imported; what it cannot express is listed, with its JSON, as comments."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, get_args

from futuramon.errors import SpecError
from futuramon.model import Annotation, Dashboard, Grid, Link, Panel, PanelKind, Query, Row, Variable

KINDS = get_args(PanelKind)
# Panel keys futuramon reads, or renders the same way for every panel of a kind.
_READ = {"id", "type", "title", "description", "gridPos", "targets", "datasource", "fieldConfig", "options",
         "collapsed", "panels", "repeatDirection", "transparent", "pluginVersion"}  # fmt: skip
_DEFAULTS_READ = {"unit", "min", "max", "thresholds", "custom", "color"}


@dataclass
class ImportedDashboard:
    dashboard: Dashboard
    thresholds: dict[str, float] = field(default_factory=dict)  # panel title → the red step it draws
    left_out: list[str] = field(default_factory=list)  # what futuramon cannot express, as text for comments


def panel_titles(document: dict[str, Any]) -> dict[int, tuple[str, str]]:
    """Panel id → (title, unit), rows' panels included."""
    found = {}
    for panel in all_panels(document):
        if panel.get("type") != "row":
            found[int(panel["id"])] = (
                panel["title"],
                panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short"),
            )
    return found


def all_panels(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for top in document.get("panels", []) for p in [top, *top.get("panels", [])]]


def import_dashboard(document: dict[str, Any], thresholds_from: dict[str, str]) -> ImportedDashboard:
    """`thresholds_from`: panel title → the alert whose threshold it draws."""
    left_out: list[str] = []
    top: list[Panel] = []
    rows: list[tuple[dict[str, Any], list[Panel]]] = []
    for raw in document.get("panels", []):
        if raw.get("type") == "row":
            rows.append(
                (raw, [p for inner in raw.get("panels", []) if (p := _panel(inner, thresholds_from, left_out))])
            )
            continue
        made = _panel(raw, thresholds_from, left_out)
        if made is not None:
            (rows[-1][1] if rows and not rows[-1][0].get("collapsed") else top).append(made)
    fields: dict[str, Any] = {
        "uid": document["uid"],
        "title": document["title"],
        "tags": tuple(document.get("tags", [])),
        "refresh": document.get("refresh") or "30s",
        "time_from": document.get("time", {}).get("from", "now-6h"),
        "variables": tuple(
            v for raw in document.get("templating", {}).get("list", []) if (v := _variable(raw, left_out))
        ),
        "annotations": tuple(
            a for raw in document.get("annotations", {}).get("list", []) if (a := _annotation(raw, left_out))
        ),
        "links": tuple(link for raw in document.get("links", []) if (link := _link(raw, left_out))),
    }
    intervals = document.get("timepicker", {}).get("refresh_intervals")
    if intervals:
        fields["refresh_intervals"] = tuple(intervals)
    rows_made = tuple(Row(title=raw["title"], collapsed=bool(raw.get("collapsed")), panels=tuple(panels))
                      for raw, panels in rows if panels)  # fmt: skip
    dashboard = Dashboard(panels=tuple(top), rows=rows_made, **fields)
    grids = {
        int(p["id"]): Grid(**p["gridPos"]) for p in all_panels(document) if p.get("type") != "row" and "gridPos" in p
    }
    if [grids.get(p.id) for p in dashboard.panels] != dashboard.positions():  # the flow does not place them
        top = [_placed(p, grids) for p in top]
        rows_made = tuple(r.model_copy(update={"panels": tuple(_placed(p, grids) for p in r.panels)})
                          for r in rows_made)  # fmt: skip
        dashboard = Dashboard(panels=tuple(top), rows=rows_made, **fields)
    return ImportedDashboard(dashboard, left_out=left_out)


def _placed(panel: Panel, grids: dict[int, Grid]) -> Panel:
    return panel.model_copy(update={"grid": grids[panel.id]}) if panel.id in grids else panel


def _panel(raw: dict[str, Any], thresholds_from: dict[str, str], left_out: list[str]) -> Panel | None:
    title = raw.get("title", "")
    if raw.get("type") not in KINDS:
        left_out.append(f"panel {title!r}: futuramon has no {raw.get('type')!r} panels\n{_json(raw)}")
        return None
    defaults = raw.get("fieldConfig", {}).get("defaults", {})
    unread = sorted(set(raw) - _READ) + [f"fieldConfig.defaults.{k}" for k in sorted(set(defaults) - _DEFAULTS_READ)]
    if raw.get("fieldConfig", {}).get("overrides"):
        unread.append("fieldConfig.overrides")
    if unread:
        left_out.append(f"panel {title!r}: not imported: {', '.join(unread)}\n"
                        + _json({k: raw[k] for k in unread if k in raw}))  # fmt: skip
    grid = raw.get("gridPos", {})
    fields: dict[str, Any] = {
        "title": title,
        "kind": raw["type"],
        "queries": tuple(
            Query(expr=t["expr"], legend=_legend(t, raw["type"])) for t in raw.get("targets", []) if t.get("expr")
        ),
        "unit": defaults.get("unit", "short"),
        "description": raw.get("description", ""),
        "width": grid.get("w", 12),
        "height": grid.get("h", 8),
        "min": defaults.get("min"),
        "max": defaults.get("max"),
        "thresholds_from": thresholds_from.get(title),
    }
    if raw["type"] == "text":
        fields["content"], fields["queries"] = raw.get("options", {}).get("content", ""), ()
    try:
        return Panel(**fields)
    except SpecError as error:
        left_out.append(f"panel {title!r}: futuramon refuses it ({error.message})\n{_json(raw)}")
        return None


def _legend(target: dict[str, Any], kind: str) -> str:
    legend = str(target.get("legendFormat", ""))
    return "" if kind == "heatmap" and legend == "{{le}}" else legend


def _variable(raw: dict[str, Any], left_out: list[str]) -> Variable | None:
    if raw.get("type") == "datasource" and raw.get("name") == "datasource":
        return None  # futuramon renders it on every dashboard
    query = raw.get("query")
    query = query.get("query") if isinstance(query, dict) else query
    try:
        if raw.get("type") != "query":
            raise SpecError(f"futuramon has no {raw.get('type')!r} variables")
        label = raw.get("label") or ""
        return Variable(name=raw["name"], query=str(query), label="" if label == raw["name"] else label,
                        multi=bool(raw.get("multi")), include_all=bool(raw.get("includeAll")))  # fmt: skip
    except SpecError as error:
        left_out.append(f"variable {raw.get('name')!r}: {error.message}\n{_json(raw)}")
        return None


def _annotation(raw: dict[str, Any], left_out: list[str]) -> Annotation | None:
    if raw.get("builtIn") == 1:
        return None  # futuramon renders Grafana's own "Annotations & Alerts" on every dashboard
    try:
        if not raw.get("expr"):
            raise SpecError("futuramon imports Prometheus annotations (an `expr`) only")
        return Annotation(name=raw["name"], expr=raw["expr"], title=raw.get("titleFormat", ""),
                          text=raw.get("textFormat", ""), color=raw.get("iconColor", "rgba(255, 96, 96, 1)"),
                          step=raw.get("step") or "1m")  # fmt: skip
    except SpecError as error:
        left_out.append(f"annotation {raw.get('name')!r}: {error.message}\n{_json(raw)}")
        return None


def _link(raw: dict[str, Any], left_out: list[str]) -> Link | None:
    found = re.match(r"^/d/([a-zA-Z0-9-_]{1,40})$", str(raw.get("url", "")))
    if raw.get("type") != "link" or not found:
        left_out.append(f"link {raw.get('title')!r}: futuramon links only to dashboards (/d/<uid>)\n{_json(raw)}")
        return None
    return Link(title=raw["title"], to=found.group(1))


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True)
