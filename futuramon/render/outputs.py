"""Every output file of a stack: relative path under its environment's folder → text. Pure: nothing touches the disk.

The layout is the same for every target; what differs is the kind of object under `k8s/` (every file there is
a Kubernetes object, so `kubectl apply -f k8s/ --recursive` deploys it all):

- `configmaps`: ConfigMaps for a plain Prometheus and Alertmanager and the Grafana sidecar;
- `prometheus-operator`: a PrometheusRule, an AlertmanagerConfig (plus its message templates as a ConfigMap)
  and GrafanaDashboards (sidecar ConfigMaps when the environment names no Grafana instance);
- `ruler`: rule files per tenant under `ruler/`, and the dashboards' sidecar ConfigMaps.
"""

from __future__ import annotations

from futuramon.model import Dashboard, Stack
from futuramon.render import alertmanager, deployed, grafana, kubernetes, operator, prometheus, ruler, runbooks
from futuramon.render.yamltext import to_json, to_yaml

RULES = "prometheus/alert-rules.yaml"
ALERTMANAGER = "alertmanager/alertmanager.yml"
TEMPLATES = f"alertmanager/{alertmanager.TEMPLATE_FILE}"
DASHBOARDS = "grafana/dashboards"
K8S_RULES = "k8s/prometheus/"  # the rules objects: alert-rules.yaml, or alert-rules-1.yaml, -2, ... when split
K8S_ALERTMANAGER = "k8s/alertmanager/alertmanager-config.yaml"
K8S_TEMPLATES = "k8s/alertmanager/notification-templates.yaml"
MANAGED_BY = {"app.kubernetes.io/managed-by": "futuramon"}
SIDECAR = {"grafana_dashboard": "1"}


def root(stack: Stack, stacks: list[Stack]) -> str:
    """The folder, relative to out/, that holds an environment's files ("" when it is the only one)."""
    return "" if len(stacks) == 1 else f"{stack.environment.name}/"


def render(stack: Stack) -> dict[str, str]:
    groups = prometheus.group_texts(stack)
    rules = prometheus.rule_file(groups)
    message_templates = alertmanager.message_templates()
    files = {RULES: rules, ALERTMANAGER: to_yaml(deployed.alertmanager_config(stack)), TEMPLATES: message_templates}
    dashboards = {d.uid: to_json(grafana.dashboard_json(stack, d)) for d in stack.dashboards}
    files.update({f"{DASHBOARDS}/{uid}.json": text for uid, text in dashboards.items()})
    files.update(_manifests(stack, rules, files[ALERTMANAGER], groups, dashboards))
    for group in stack.rule_groups:  # one page per declared alert: the copies of a stamped one share it
        for alert in (group.stamp() if group.for_each else group).alerts:
            files[f"runbooks/{alert.name}.md"] = runbooks.runbook(stack, alert, group.for_each)
    return dict(sorted(files.items()))


def _manifests(stack: Stack, rules: str, config: str, groups: list[str], dashboards: dict[str, str]) -> dict[str, str]:
    labels = {**stack.settings.labels, **MANAGED_BY}
    namespace = stack.settings.namespace
    target = stack.environment.target
    files: dict[str, str] = {}
    if target == "configmaps":
        maps = kubernetes.rule_configmaps("prometheus-alert-rules", "alert-rules", groups, rules, namespace, labels)
        files.update({f"{K8S_RULES}{stem}.yaml": to_yaml(rule_map) for stem, rule_map in maps.items()})
        files[K8S_ALERTMANAGER] = to_yaml(
            kubernetes.configmap(
                "alertmanager-config",
                namespace,
                labels,
                {"alertmanager.yml": config, alertmanager.TEMPLATE_FILE: alertmanager.message_templates()},
            )
        )
    elif target == "prometheus-operator":
        dicts = prometheus.rule_groups(stack)["groups"]
        rules_objects = operator.prometheus_rules(stack, labels, dicts, groups)
        files.update({f"{K8S_RULES}{stem}.yaml": to_yaml(rule) for stem, rule in rules_objects.items()})
        files[K8S_ALERTMANAGER] = to_yaml(operator.alertmanager_config(stack, labels))
        files[K8S_TEMPLATES] = to_yaml(operator.templates_configmap(stack, labels))
    else:
        files[ruler.rules_path(stack)] = to_yaml(ruler.rule_namespace(stack, prometheus.rule_groups(stack)["groups"]))
    for dashboard in stack.dashboards:
        text = dashboards[dashboard.uid]
        if target == "prometheus-operator" and stack.environment.grafana_instance:
            files[f"k8s/grafana/dashboard-{dashboard.uid}.yaml"] = to_yaml(
                operator.grafana_dashboard(stack, dashboard, labels, text)
            )
        else:
            name = f"grafana-dashboard-{dashboard.uid}"
            files[f"k8s/grafana/{_configmap_file(stack, dashboard)}"] = to_yaml(
                kubernetes.configmap(name, namespace, {**labels, **SIDECAR}, {f"{dashboard.uid}.json": text})
            )
    return files


def _configmap_file(stack: Stack, dashboard: Dashboard) -> str:
    """`dashboard-configmap.yaml` for the first dashboard (the contract's name), one more file per other uid."""
    return (
        "dashboard-configmap.yaml" if dashboard is stack.dashboards[0] else f"dashboard-configmap-{dashboard.uid}.yaml"
    )
