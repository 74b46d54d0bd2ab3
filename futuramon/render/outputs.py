"""Every output file of a stack: relative path under out/ → text. Pure: nothing touches the disk."""

from __future__ import annotations

from futuramon.model import Dashboard, Stack
from futuramon.render import alertmanager, grafana, kubernetes, prometheus, runbooks
from futuramon.render.yamltext import to_json, to_yaml

RULES = "prometheus/alert-rules.yaml"
ALERTMANAGER = "alertmanager/alertmanager.yml"
TEMPLATES = f"alertmanager/{alertmanager.TEMPLATE_FILE}"
K8S_RULES = "k8s/prometheus/alert-rules.yaml"
K8S_ALERTMANAGER = "k8s/alertmanager/alertmanager-config.yaml"
MANAGED_BY = {"app.kubernetes.io/managed-by": "futuramon"}


def render(stack: Stack) -> dict[str, str]:
    settings = stack.settings
    labels = {**settings.labels, **MANAGED_BY}
    rules = to_yaml(prometheus.rule_groups(stack))
    config = to_yaml(alertmanager.config(stack))
    message_templates = alertmanager.message_templates()
    files = {
        RULES: rules,
        ALERTMANAGER: config,
        TEMPLATES: message_templates,
        K8S_RULES: to_yaml(
            kubernetes.configmap("prometheus-alert-rules", settings.namespace, labels, {"alert-rules.yaml": rules})
        ),
        K8S_ALERTMANAGER: to_yaml(
            kubernetes.configmap(
                "alertmanager-config",
                settings.namespace,
                labels,
                {"alertmanager.yml": config, alertmanager.TEMPLATE_FILE: message_templates},
            )
        ),
    }
    for dashboard in stack.dashboards:
        text = to_json(grafana.dashboard_json(stack, dashboard))
        files[f"k8s/grafana/dashboards/{dashboard.uid}.json"] = text
        files[f"k8s/grafana/{_configmap_file(stack, dashboard)}"] = to_yaml(
            kubernetes.configmap(
                f"grafana-dashboard-{dashboard.uid}",
                settings.namespace,
                {**labels, "grafana_dashboard": "1"},
                {f"{dashboard.uid}.json": text},
            )
        )
    for alert in stack.alerts:
        files[f"runbooks/{alert.name}.md"] = runbooks.runbook(stack, alert)
    return dict(sorted(files.items()))


def _configmap_file(stack: Stack, dashboard: Dashboard) -> str:
    """`dashboard-configmap.yaml` for the first dashboard (the contract's name), one more file per other uid."""
    return (
        "dashboard-configmap.yaml" if dashboard is stack.dashboards[0] else f"dashboard-configmap-{dashboard.uid}.yaml"
    )
