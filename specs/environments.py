"""Where FuturaTickets runs: production (plain ConfigMaps) and staging (prometheus-operator), from the same specs.

Each environment says only what differs; `{namespace}`, `{cluster}` and `{environment}` in the other
specs are filled in with its values, so a staging rule never watches production.
"""

from futuramon.dsl import DashboardOverride, Environment, Receiver, RouteCase, Routing, Slack, route

from .routing import ROUTING, SLACK

PRODUCTION = Environment(name="production", target="configmaps", namespace="futuratickets", cluster="prod")

STAGING = Environment(
    name="staging",
    target="prometheus-operator",  # kube-prometheus-stack
    namespace="futuratickets-staging",
    cluster="staging",
    disabled=("LowPaymentSuccessRate", "NoOrdersReceived"),  # staging has no real customers
    # the operator routes only alerts labelled with its namespace: every staged alert carries it
    alert_labels={"namespace": "{namespace}"},
    receivers=(Receiver(name="staging", slack=(Slack(channel="#alerts-staging", webhook_file=SLACK),)),),
    routing=Routing(
        receiver="staging",
        group_by=ROUTING.group_by,
        group_wait=ROUTING.group_wait,
        group_interval=ROUTING.group_interval,
        repeat_interval="24h",
        routes=(route('severity=~"critical|warning"', receiver="staging"),),  # every alert, stated, not by fallback
        inhibit=ROUTING.inhibit,
        tests=(
            RouteCase(labels={"namespace": "{namespace}", "severity": "critical", "category": "payments"},
                      receivers=("staging",)),
            RouteCase(labels={"namespace": "{namespace}", "severity": "warning"}, receivers=("staging",)),
        ),
    ),
    dashboards={
        "futuratickets-overview": DashboardOverride(uid="futuratickets-staging-overview",
                                                    title="FuturaTickets - Staging Overview"),
        "futuratickets-alert-signals": DashboardOverride(uid="futuratickets-staging-alert-signals",
                                                         title="FuturaTickets - Staging Alert Signals"),
    },
    rule_labels={"release": "kube-prometheus-stack"},  # what the Prometheus resource's ruleSelector matches
    alertmanager_config_labels={"release": "kube-prometheus-stack"},
    grafana_instance={"dashboards": "grafana"},  # the Grafana resource's labels (grafana-operator)
)
