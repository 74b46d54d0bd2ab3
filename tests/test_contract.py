"""Every number of the contract (../shared/spec/contract.md) is in out/production/ as committed.

Sections 1-5 are FuturaTickets production; `test_golden` proves out/ is a fresh render of specs/.
"""

from __future__ import annotations

import json

import pytest
import yaml

from futuramon import writer

from .conftest import OUT

ALERTS = {
    # name: (severity, category, for, metric the expression reads, comparison)
    "HighErrorRate": ("critical", "platform", "5m", 'http_requests_total{status=~"5.."}', "> 10"),
    "LowPaymentSuccessRate": ("critical", "payments", "10m", "rate(payment_success_total[10m])", "< 0.9"),
    "PodDown": ("critical", "platform", "5m", 'phase=~"Pending|Failed|Unknown"', "> 0"),
    "MongoDBConnectionIssues": ("critical", "platform", "2m", 'mongodb_connections{state="available"}', "< 10"),
    "RedisDown": ("critical", "platform", "2m", "redis_up", "== 0"),
    "DeploymentRolloutStuck": ("critical", "platform", "15m", 'condition="Progressing", status="false"', "== 1"),
    "TicketGenerationFailures": ("critical", "business", "5m", "rate(ticket_generation_failures_total[5m])", "> 1"),
    "HighResponseTime": ("warning", "platform", "5m", "histogram_quantile(0.95", "> 2"),
    "HighCPUUsage": ("warning", "platform", "10m", 'resource="cpu"', "> 0.8"),
    "HighMemoryUsage": ("warning", "platform", "10m", 'resource="memory"', "> 0.85"),
    "HighSentryErrorCount": ("warning", "platform", "5m", "increase(sentry_errors_total[1h])", "> 50"),
    "SlowOrderProcessing": (
        "warning",
        "business",
        "10m",
        "rate(order_processing_duration_seconds_bucket[10m])",
        "> 10",
    ),
    "WebhookDeliveryFailures": ("warning", "payments", "5m", "rate(stripe_webhook_failures_total[5m])", "> 0.5"),
    "DiskSpaceLow": ("warning", "platform", "5m", 'fstype!~"tmpfs|overlay"', "< 0.15"),
    "NoOrdersReceived": ("warning", "business", "5m", "increase(orders_created_total[1h])", "== 0"),
}
# the alerts whose signal no overview panel plots: one panel each on the second dashboard (contract section 5)
SIGNALS = {
    "PodDown": "Pods Not Running",
    "DeploymentRolloutStuck": "Deployments Not Progressing",
    "RedisDown": "Redis Up",
    "DiskSpaceLow": "Node Disk Space Available",
    "WebhookDeliveryFailures": "Stripe Webhook Failures",
    "TicketGenerationFailures": "Ticket Generation Failures",
    "SlowOrderProcessing": "Order Processing Time (p95)",
    "NoOrdersReceived": "Orders Created (last hour)",
}
PANELS = [
    "HTTP Requests Rate",
    "HTTP Response Time (p95)",
    "Pod CPU Usage",
    "Pod Memory Usage",
    "HTTP Error Rate (5xx)",
    "Active Orders",
    "Payment Success Rate",
    "Database Connections",
    "Redis Operations/sec",
    "Active Tickets",
    "Sentry Errors",
]


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    """out/production/ as committed, relative path → text."""
    return {path: data.decode() for path, data in writer.read(OUT / "production").items()}


def test_every_file_under_k8s_is_a_kubernetes_object(files: dict[str, str]) -> None:
    """`kubectl apply -f out/production/k8s/ --recursive` is the whole deployment (amended section 1)."""
    for path, text in files.items():
        if path.startswith("k8s/"):
            assert path.endswith(".yaml"), path
            assert all(doc["apiVersion"] and doc["kind"] for doc in yaml.safe_load_all(text)), path


def _groups(files: dict[str, str]) -> list[dict]:  # type: ignore[type-arg]
    return yaml.safe_load(files["prometheus/alert-rules.yaml"])["groups"]  # type: ignore[no-any-return]


def _rules(files: dict[str, str]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {rule["alert"]: rule for group in _groups(files) for rule in group["rules"] if "alert" in rule}


def _reads(files: dict[str, str], expr: str) -> str:
    """An alert's expression with the recording rules it reads written out (each is in the alert's group,
    before it)."""
    recorded = {r["record"]: r["expr"] for g in _groups(files) for r in g["rules"] if "record" in r}
    return " ".join([expr, *[definition for name, definition in recorded.items() if name in expr]])


@pytest.mark.parametrize("name", ALERTS)
def test_alert_matches_the_contract(files: dict[str, str], name: str) -> None:
    severity, category, hold, reads, comparison = ALERTS[name]
    rule = _rules(files)[name]
    assert rule["labels"] == {"severity": severity, "category": category}
    assert rule["for"] == hold
    assert reads in _reads(files, rule["expr"])
    assert rule["expr"].endswith(comparison)
    assert set(rule["annotations"]) == {"summary", "description", "runbook_url", "dashboard_url"}
    assert rule["annotations"]["runbook_url"].endswith(f"/{name}.md")


@pytest.mark.parametrize("name", ALERTS)
def test_dashboard_url_opens_a_panel_that_plots_the_alerts_signal(files: dict[str, str], name: str) -> None:
    rule = _rules(files)[name]
    uid = "futuratickets-alert-signals" if name in SIGNALS else "futuratickets-overview"
    url = rule["annotations"]["dashboard_url"]
    assert url.startswith(f"https://grafana.futuratickets.com/d/{uid}/"), url
    board = json.loads(files[f"grafana/dashboards/{uid}.json"])
    (panel,) = [p for p in board["panels"] if url.endswith(f"?viewPanel={p['id']}")]
    signal = panel["targets"][0]["expr"]
    assert rule["expr"].removeprefix(f"({signal})").removeprefix(signal) == " " + ALERTS[name][4]


def test_exactly_the_fifteen_alerts(files: dict[str, str]) -> None:
    assert sorted(_rules(files)) == sorted(ALERTS)


def test_configmaps(files: dict[str, str]) -> None:
    expected = {
        "k8s/prometheus/alert-rules.yaml": ("prometheus-alert-rules", {"alert-rules.yaml"}),
        "k8s/alertmanager/alertmanager-config.yaml": (
            "alertmanager-config",
            {"alertmanager.yml", "notifications.tmpl"},
        ),
        "k8s/grafana/dashboard-configmap.yaml": (
            "grafana-dashboard-futuratickets-overview",
            {"futuratickets-overview.json"},
        ),
        "k8s/grafana/dashboard-configmap-futuratickets-alert-signals.yaml": (
            "grafana-dashboard-futuratickets-alert-signals",
            {"futuratickets-alert-signals.json"},
        ),
    }
    for path, (name, keys) in expected.items():
        manifest = yaml.safe_load(files[path])
        assert manifest["kind"] == "ConfigMap" and manifest["apiVersion"] == "v1"
        assert manifest["metadata"]["name"] == name
        assert manifest["metadata"]["namespace"] == "futuratickets"
        assert manifest["metadata"]["labels"]["component"] == "monitoring"
        assert manifest["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "futuramon"
        assert set(manifest["data"]) == keys
    dashboard = yaml.safe_load(files["k8s/grafana/dashboard-configmap.yaml"])
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert dashboard["data"]["futuratickets-overview.json"] == files["grafana/dashboards/futuratickets-overview.json"]


def test_routing(files: dict[str, str]) -> None:
    config = yaml.safe_load(files["alertmanager/alertmanager.yml"])
    route = config["route"]
    assert route["receiver"] == "warnings"
    assert route["group_by"] == ["alertname", "cluster", "service"]
    assert (route["group_wait"], route["group_interval"], route["repeat_interval"]) == ("30s", "5m", "12h")
    assert [(r["matchers"], r["receiver"], r["repeat_interval"], r["continue"]) for r in route["routes"]] == [
        (['category="payments"'], "payments", "2h", True),
        (['category="business"'], "business", "24h", True),
        (['severity="critical"'], "critical", "4h", False),
        (['severity="warning"'], "warnings", "12h", False),
    ]
    assert config["inhibit_rules"] == [
        {"source_matchers": ['severity="critical"', 'service=~".+"'], "target_matchers": ['severity="warning"'],
         "equal": ["cluster", "service"]},
        {"source_matchers": ['alertname="PodDown"'], "target_matchers": ['alertname=~"HighCPUUsage|HighMemoryUsage"'],
         "equal": ["namespace", "pod"]},
    ]  # fmt: skip
    channels = {
        r["name"]: [c["channel"] for c in r.get("slack_configs", [])] + ["discord"] * len(r.get("discord_configs", []))
        for r in config["receivers"]
    }
    assert channels == {
        "warnings": ["#alerts-warnings"],
        "critical": ["#alerts-critical", "discord"],
        "business": ["#business-alerts"],
        "payments": ["#payments-alerts"],
    }
    for receiver in config["receivers"]:
        for slack in receiver.get("slack_configs", []):
            assert slack["send_resolved"] is True
            assert slack["api_url_file"].startswith("/etc/alertmanager/secrets/")
            assert "api_url" not in slack
        for discord in receiver.get("discord_configs", []):
            assert discord["webhook_url_file"].startswith("/etc/alertmanager/secrets/")


def test_slack_colors_and_links_in_templates(files: dict[str, str]) -> None:
    templates = files["alertmanager/notifications.tmpl"]
    assert 'eq .Status "resolved" }}good' in templates
    assert 'eq .CommonLabels.severity "critical" }}danger' in templates
    assert "{{ else }}warning" in templates
    assert ".Annotations.runbook_url" in templates and ".Annotations.dashboard_url" in templates


def test_dashboard(files: dict[str, str]) -> None:
    board = json.loads(files["grafana/dashboards/futuratickets-overview.json"])
    assert board["uid"] == "futuratickets-overview"
    assert board["title"] == "FuturaTickets - Production Overview"
    assert board["refresh"] == "30s"
    assert board["time"] == {"from": "now-6h", "to": "now"}
    assert board["schemaVersion"] >= 39
    assert "30s" in board["timepicker"]["refresh_intervals"]
    assert board["templating"]["list"][0]["type"] == "datasource"
    assert [p["title"] for p in board["panels"]] == PANELS
    assert len({p["id"] for p in board["panels"]}) == 11
    assert {p["type"] for p in board["panels"]} <= {"timeseries", "stat", "gauge"}
    for panel in board["panels"]:
        assert panel["fieldConfig"]["defaults"]["unit"]
    steps = {p["title"]: p["fieldConfig"]["defaults"]["thresholds"]["steps"] for p in board["panels"]}
    assert steps["HTTP Error Rate (5xx)"] == [{"color": "green", "value": None}, {"color": "red", "value": 10}]
    assert steps["Payment Success Rate"] == [{"color": "red", "value": None}, {"color": "green", "value": 0.9}]
    assert steps["Sentry Errors"] == [{"color": "green", "value": None}, {"color": "red", "value": 50}]


def test_alert_signals_dashboard(files: dict[str, str]) -> None:
    board = json.loads(files["grafana/dashboards/futuratickets-alert-signals.json"])
    assert board["uid"] == "futuratickets-alert-signals"
    assert board["title"] == "FuturaTickets - Alert Signals"
    assert sorted(p["title"] for p in board["panels"]) == sorted(SIGNALS.values())
    configmap = yaml.safe_load(files["k8s/grafana/dashboard-configmap-futuratickets-alert-signals.yaml"])
    overview = yaml.safe_load(files["k8s/grafana/dashboard-configmap.yaml"])
    assert configmap["metadata"]["labels"] == overview["metadata"]["labels"]
    steps = {p["title"]: p["fieldConfig"]["defaults"]["thresholds"]["steps"] for p in board["panels"]}
    assert steps["Redis Up"] == [
        {"color": "green", "value": None},
        {"color": "red", "value": 0},
        {"color": "green", "value": 1e-06},
    ], "RedisDown fires at == 0: exactly 0 is red"
