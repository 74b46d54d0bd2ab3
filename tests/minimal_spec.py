"""A minimal valid spec, as text: the base that the broken-spec catalogue breaks one thing at a time."""

from pathlib import Path

from futuramon.loader import load
from futuramon.render.outputs import render

MINIMAL = """\
from futuramon.dsl import (Dashboard, Discord, Grid, Inhibit, InhibitCase, Metric, Panel, Query, Receiver, RouteCase,
                           RuleGroup, Routing, Settings, Slack, alert, fires, gauge, quiet, route, runbook, step)

SETTINGS = Settings(namespace="shop", runbook_base_url="https://runbooks.example.com",
                    grafana_url="https://grafana.example.com", categories=("platform",))

BOOK = runbook("Something is wrong.", [step("Look", "kubectl get pods")], ["Fix it."])

APIDOWN = alert("ApiDown", signal="sum by (service) (up)", op="==", threshold=0, for_="5m",
                severity="critical", category="platform", panel="Up", summary="API is down",
                description="{{ $labels.service }} is down", runbook=BOOK,
                tests=(fires(gauge("up", {"service": "api"}, value=0), below=False),
                       quiet("up", gauge("up", {"service": "api"}, value=1), at="10m")))
SLOW = alert("Slow", signal="max by (service) (latency_seconds)", op=">", threshold=2, for_="10m",
             severity="warning", category="platform", panel="Up", summary="Slow", description="slow", runbook=BOOK)
GROUP = RuleGroup(name="shop", alerts=(APIDOWN, SLOW))

BOARD = Dashboard(uid="shop", title="Shop", panels=(
    Panel(title="Up", kind="stat", queries=(Query(expr="sum(up)"),)),
))

RECEIVERS = [
    Receiver(name="oncall", slack=(Slack(channel="#oncall", webhook_file="slack-webhook-url"),)),
    Receiver(name="chat", discord=(Discord(webhook_file="discord-webhook-url"),)),
]
METRICS = [Metric(name="up", type="gauge"), Metric(name="latency_seconds", type="gauge"),
           Metric(name="requests_total", type="counter"), Metric(name="duration_seconds", type="histogram")]

ROUTING = Routing(receiver="oncall", group_by=("alertname",), group_wait="30s", group_interval="5m",
                  repeat_interval="4h", routes=(route('severity="warning"', receiver="chat"),),
                  inhibit=(Inhibit(source=('severity="critical"',), target=('severity="warning"',),
                                   equal=("service",)),),
                  tests=(RouteCase(labels={"severity": "warning"}, receivers=("chat",)),))
"""

ENVIRONMENT = """
from futuramon.dsl import Environment

DEMO = Environment(name="demo", target={target!r}, namespace="shop", cluster="eu-1", tenant="shop-team",
                   alert_labels={labels}, rule_labels={{"release": "kube-prometheus-stack"}},
                   alertmanager_config_labels={{"alertmanagerConfig": "shop"}},
                   grafana_instance={{"dashboards": "grafana"}})
"""
NAMESPACED = '{"namespace": "{namespace}"}'


def deployed_as(target: str, labels: str = NAMESPACED) -> str:
    """The minimal spec deployed as `target`; its alerts and route case carry the namespace label (`labels="{}"`:
    the alerts do not)."""
    routed = MINIMAL.replace(
        'RouteCase(labels={"severity": "warning"}',
        'RouteCase(labels={"severity": "warning", "namespace": "{namespace}"}',
    )
    assert routed != MINIMAL
    return routed + ENVIRONMENT.format(target=target, labels=labels)


def files_as(folder: Path, target: str) -> dict[str, str]:
    """The minimal spec deployed as `target`, rendered: relative path → text."""
    folder.mkdir(parents=True)
    (folder / "spec.py").write_text(deployed_as(target))
    (stack,) = load(folder)
    return render(stack)
