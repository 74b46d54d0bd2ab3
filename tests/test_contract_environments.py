"""Contract section 6: FuturaTickets production and staging from the same specs, as committed in out/."""

from __future__ import annotations

import json

import pytest
import yaml

from futuramon import crds, writer

from .conftest import OUT
from .test_contract import ALERTS, PANELS

STAGED = sorted(set(ALERTS) - {"LowPaymentSuccessRate", "NoOrdersReceived"})
NAMESPACED = ("PodDown", "DeploymentRolloutStuck", "HighCPUUsage", "HighMemoryUsage")


def _read(folder: str) -> dict[str, str]:
    return {path: data.decode() for path, data in writer.read(OUT / folder).items()}


@pytest.fixture(scope="module")
def staging() -> dict[str, str]:
    return _read("staging")


@pytest.fixture(scope="module")
def production() -> dict[str, str]:
    return _read("production")


def _objects(files: dict[str, str]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {name: yaml.safe_load(text) for name, text in files.items() if name.startswith("k8s/")}


def _rules(groups: list[dict]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {rule["alert"]: rule for group in groups for rule in group["rules"] if "alert" in rule}


def test_out_holds_exactly_the_two_environments() -> None:
    assert sorted(p.name for p in OUT.iterdir()) == [writer.MANIFEST, "production", "staging"]


def test_staging_is_the_prometheus_operator_form(staging: dict[str, str]) -> None:
    kinds = sorted((o["apiVersion"], o["kind"], o["metadata"]["name"]) for o in _objects(staging).values())
    assert kinds == [
        ("grafana.integreatly.org/v1beta1", "GrafanaDashboard", "futuratickets-staging-alert-signals"),
        ("grafana.integreatly.org/v1beta1", "GrafanaDashboard", "futuratickets-staging-overview"),
        ("monitoring.coreos.com/v1", "PrometheusRule", "prometheus-alert-rules"),
        ("monitoring.coreos.com/v1alpha1", "AlertmanagerConfig", "alertmanager-config"),
        ("v1", "ConfigMap", "alertmanager-notification-templates"),
    ]
    for name, document in _objects(staging).items():
        assert document["metadata"]["namespace"] == "futuratickets-staging", name
        if crds.is_custom(document):
            assert crds.errors(document) == [], name


def test_production_is_plain_configmaps_in_its_namespace(production: dict[str, str]) -> None:
    for name, document in _objects(production).items():
        assert (document["kind"], document["metadata"]["namespace"]) == ("ConfigMap", "futuratickets"), name


def test_staging_alerts_watch_staging_only(staging: dict[str, str]) -> None:
    rule = yaml.safe_load(staging["k8s/prometheus/alert-rules.yaml"])
    rules = _rules(rule["spec"]["groups"])
    assert sorted(rules) == STAGED
    for name, found in rules.items():
        assert found["labels"]["namespace"] == "futuratickets-staging", name
        assert 'namespace="futuratickets"' not in found["expr"], name
        assert "/out/staging/runbooks/" in found["annotations"]["runbook_url"], name
        assert "/d/futuratickets-staging-" in found["annotations"]["dashboard_url"], name
    for name in NAMESPACED:
        assert 'namespace="futuratickets-staging"' in rules[name]["expr"], name
    assert rule["metadata"]["labels"]["release"] == "kube-prometheus-stack", "the ruleSelector's label"
    assert _rules(yaml.safe_load(staging["prometheus/alert-rules.yaml"])["groups"]) == rules


def test_production_keeps_its_namespace_filters_and_labels(production: dict[str, str]) -> None:
    rules = _rules(yaml.safe_load(production["prometheus/alert-rules.yaml"])["groups"])
    for name in NAMESPACED:
        assert 'namespace="futuratickets"' in rules[name]["expr"], name
    assert all("namespace" not in rule["labels"] for rule in rules.values())


def test_staging_routes_everything_to_one_slack_channel(staging: dict[str, str]) -> None:
    config = yaml.safe_load(staging["k8s/alertmanager/alertmanager-config.yaml"])["spec"]
    assert config["route"]["receiver"] == "staging" and config["route"]["repeatInterval"] == "24h"
    assert config["route"]["routes"] == [
        {"matchers": [{"name": "severity", "value": "critical|warning", "matchType": "=~"}], "receiver": "staging",
         "continue": False},
    ]  # fmt: skip
    (receiver,) = config["receivers"]
    assert receiver["name"] == "staging" and set(receiver) == {"name", "slackConfigs"}, "no Discord"
    (slack,) = receiver["slackConfigs"]
    assert slack["channel"] == "#alerts-staging"
    assert slack["apiURL"] == {"name": "alertmanager-webhooks", "key": "slack-webhook-url"}, "read from a Secret key"


def test_staging_dashboards_are_the_same_panels_under_their_own_uid_and_title(
    staging: dict[str, str], production: dict[str, str]
) -> None:
    board = json.loads(staging["grafana/dashboards/futuratickets-staging-overview.json"])
    assert (board["uid"], board["title"]) == ("futuratickets-staging-overview", "FuturaTickets - Staging Overview")
    assert [p["title"] for p in board["panels"]] == PANELS
    prod = json.loads(production["grafana/dashboards/futuratickets-overview.json"])
    assert [p["fieldConfig"] for p in board["panels"]] == [p["fieldConfig"] for p in prod["panels"]]
    signals = json.loads(staging["grafana/dashboards/futuratickets-staging-alert-signals.json"])
    assert signals["title"] == "FuturaTickets - Staging Alert Signals"
    resource = yaml.safe_load(staging["k8s/grafana/dashboard-futuratickets-staging-overview.yaml"])
    assert resource["spec"]["instanceSelector"] == {"matchLabels": {"dashboards": "grafana"}}
    assert json.loads(resource["spec"]["json"]) == board
