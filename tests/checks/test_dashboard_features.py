"""Dashboards people expect: template variables the queries use, rows, table/bar gauge/heatmap/text panels,
deployment annotations and links between dashboards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from futuramon.errors import SpecError
from futuramon.loader import load

from ..minimal_spec import MINIMAL
from .conftest import Run

DETAILS = (
    MINIMAL.replace("from futuramon.dsl import (", "from futuramon.dsl import (Annotation, Link, Row, Variable, ")
    .replace(
        "BOARD = Dashboard(",
        """DETAILS = Dashboard(
    uid="shop-details", title="Shop details",
    variables=(Variable(name="service", query='label_values(up{job="shop"}, service)', label="Service"),),
    annotations=(Annotation(name="Deployments",
                            expr="changes(kube_deployment_status_observed_generation{namespace=\\"shop\\"}[2m]) > 0",
                            title="{{deployment}} rolled out"),),
    links=(Link(title="Overview", to="shop"),),
    panels=(Panel(title="About", kind="text", content="Runbooks: https://runbooks.example.com", width=24, height=3),),
    rows=(
        Row(title="Traffic", panels=(
            Panel(title="Requests by service", kind="table", width=12,
                  queries=(Query(expr='sum by (service) (rate(requests_total{service=~"$service"}[5m]))'),)),
            Panel(title="Latency", kind="heatmap", width=12,
                  queries=(Query(expr='sum by (le) (rate(duration_seconds_bucket{service=~"$service"}[5m]))'),)),
        )),
        Row(title="Capacity", collapsed=True, panels=(
            Panel(title="Up by service", kind="bargauge", width=24,
                  queries=(Query(expr='sum by (service) (up{service=~"${service}"})'),)),
        )),
    ),
)
BOARD = Dashboard(links=(Link(title="Details", to="shop-details"),), """,
    )
    .replace(
        'Metric(name="up", type="gauge"),',
        'Metric(name="up", type="gauge"), Metric(name="kube_deployment_status_observed_generation", type="gauge"),',
    )
)


def _dashboard(tmp_path: Path, run_check: Run, uid: str) -> dict[str, Any]:
    assert run_check("panel-grid", spec=DETAILS) == []
    return json.loads((tmp_path / "work" / f"grafana/dashboards/{uid}.json").read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize("check", ["panel-grid", "known-metrics", "counter-functions", "kubernetes-schema"])
def test_the_dashboard_passes(run_check: Run, check: str) -> None:
    assert run_check(check, spec=DETAILS) == []


def test_variables_and_links(run_check: Run, tmp_path: Path) -> None:
    board = _dashboard(tmp_path, run_check, "shop-details")
    service = board["templating"]["list"][1]
    assert (service["name"], service["type"], service["label"]) == ("service", "query", "Service")
    assert service["query"]["query"] == 'label_values(up{job="shop"}, service)'
    assert (service["multi"], service["includeAll"], service["allValue"], service["refresh"]) == (True, True, ".*", 2)
    assert [(link["title"], link["url"], link["keepTime"], link["includeVars"]) for link in board["links"]] == [
        ("Overview", "/d/shop", True, True)
    ]
    overview = json.loads((tmp_path / "work" / "grafana/dashboards/shop.json").read_text())
    assert [link["url"] for link in overview["links"]] == ["/d/shop-details"]


def test_rows_and_panel_kinds(run_check: Run, tmp_path: Path) -> None:
    board = _dashboard(tmp_path, run_check, "shop-details")
    layout = [(p["type"], p["title"], p["gridPos"]["y"], p["gridPos"]["h"]) for p in board["panels"]]
    assert layout == [
        ("text", "About", 0, 3),
        ("row", "Traffic", 3, 1),
        ("table", "Requests by service", 4, 8),
        ("heatmap", "Latency", 4, 8),
        ("row", "Capacity", 12, 1),
    ]
    capacity = board["panels"][-1]
    assert capacity["collapsed"] is True and [p["type"] for p in capacity["panels"]] == ["bargauge"]
    assert capacity["panels"][0]["gridPos"]["y"] == 13
    assert board["panels"][0]["options"] == {"mode": "markdown", "content": "Runbooks: https://runbooks.example.com"}
    assert board["panels"][2]["targets"][0]["format"] == "table" and board["panels"][2]["targets"][0]["instant"]


def test_deployment_annotations(run_check: Run, tmp_path: Path) -> None:
    board = _dashboard(tmp_path, run_check, "shop-details")
    deployments = board["annotations"]["list"][1]
    assert deployments["name"] == "Deployments" and deployments["enable"] is True
    assert deployments["expr"] == 'changes(kube_deployment_status_observed_generation{namespace="shop"}[2m]) > 0'
    assert (deployments["step"], deployments["titleFormat"]) == ("1m", "{{deployment}} rolled out")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'up{service=~"${service}"}',
            'up{service=~"${region}"}',
            "Panel 'Up by service': field 'queries': reads the dashboard variable $region, which the dashboard does "
            "not declare (variables: service)",
        ),
        (
            'Link(title="Overview", to="shop")',
            'Link(title="Overview", to="shop-overview")',
            "Dashboard 'shop-details': field 'links ('Overview')': expected one of 'shop-details', 'shop', got "
            "'shop-overview'",
        ),
        (
            'kind="text", content="Runbooks: https://runbooks.example.com"',
            'kind="text", queries=(Query(expr="up"),), content="x"',
            "Panel 'About': field 'content': a text panel shows its `content` (Markdown) and has no queries",
        ),
        (
            "query='label_values(up{job=\"shop\"}, service)'",
            'query="up"',
            "Variable 'service': field 'query': expected label_values(<series selector>, <label>), got 'up'",
        ),
    ],
    ids=["undeclared variable", "link to an unknown dashboard", "text panel with a query", "bad variable query"],
)
def test_a_bad_dashboard_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in DETAILS
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "spec.py").write_text(DETAILS.replace(old, new))
    with pytest.raises(SpecError) as raised:
        load(specs)
    assert message in str(raised.value) and "spec.py:" in str(raised.value)
