"""The prometheus-operator target (kube-prometheus-stack): PrometheusRule, AlertmanagerConfig, GrafanaDashboard.

Also the Alertmanager config the operator generates from the AlertmanagerConfig, so that amtool, the
route tests and `drill` see what the operator will run: every route of an AlertmanagerConfig is nested
under one route that matches `namespace="<its namespace>"` (and continues), receivers are renamed
`<namespace>/<name>/<receiver>`, and inhibit rules get the namespace matcher on both sides.
"""

from __future__ import annotations

from typing import Any

from futuramon.errors import Place, SpecError
from futuramon.model import Dashboard, Inhibit, Stack, matcher_parts
from futuramon.render import alertmanager, kubernetes

PROMETHEUS_RULE = "prometheus-alert-rules"
RULES_STEM = "alert-rules"  # k8s/prometheus/<stem>.yaml
ALERTMANAGER_CONFIG = "alertmanager-config"
TEMPLATES_CONFIGMAP = "alertmanager-notification-templates"
# kube-prometheus-stack's own Alertmanager config, which the operator adds the AlertmanagerConfig routes to
BASE_RECEIVER = "null"
BASE_ROUTE = {"group_by": ["namespace"], "group_wait": "30s", "group_interval": "5m", "repeat_interval": "12h"}


def prometheus_rules(
    stack: Stack, labels: dict[str, str], groups: list[dict[str, Any]], texts: list[str]
) -> dict[str, dict[str, Any]]:
    """The rule groups (each written as `texts` in the plain rule file) as PrometheusRules, by file stem: one
    `prometheus-alert-rules` while it fits plain `kubectl apply`'s budget; otherwise groups packed in order,
    whole, into `prometheus-alert-rules-1`, `-2`, ... Each carries the labels the Prometheus `ruleSelector`
    selects."""
    empty = kubernetes.object_size(_prometheus_rule(stack, PROMETHEUS_RULE, labels, []))
    sizes = [kubernetes.group_size(group, text, indent=2) for group, text in zip(groups, texts, strict=True)]
    if empty + sum(sizes) <= kubernetes.RULES_BUDGET:
        return {RULES_STEM: _prometheus_rule(stack, PROMETHEUS_RULE, labels, groups)}
    parts = kubernetes.pack(list(zip(groups, sizes, strict=True)), lambda sized: sized[1], empty)
    return {
        f"{RULES_STEM}{suffix}": _prometheus_rule(stack, f"{PROMETHEUS_RULE}{suffix}", labels, [g for g, _ in part])
        for suffix, part in kubernetes.numbered(parts)
    }


def _prometheus_rule(stack: Stack, name: str, labels: dict[str, str], groups: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": _metadata(stack, name, {**labels, **stack.environment.rule_labels}),
        "spec": {"groups": groups},
    }


def alertmanager_config(stack: Stack, labels: dict[str, str]) -> dict[str, Any]:
    """Routing and receivers as an AlertmanagerConfig (v1alpha1); webhook URLs come from Secret keys."""
    if stack.routing.time_intervals:
        file, line = stack.routing.origin
        raise SpecError(
            "time intervals are not rendered for the prometheus-operator target yet: use the configmaps target "
            "for this environment, or drop them from its routing",
            Place(file=file, line=line or None, obj="Routing", field="time_intervals"),
        )
    plain = alertmanager.config(stack)
    spec: dict[str, Any] = {
        "route": _crd_route(plain["route"]),
        "receivers": [_receiver(stack, r) for r in plain["receivers"]],
    }
    if stack.routing.inhibit:
        spec["inhibitRules"] = [_inhibit(rule) for rule in stack.routing.inhibit]
    return {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "AlertmanagerConfig",
        "metadata": _metadata(stack, ALERTMANAGER_CONFIG, {**labels, **stack.environment.alertmanager_config_labels}),
        "spec": spec,
    }


def grafana_dashboard(stack: Stack, dashboard: Dashboard, labels: dict[str, str], text: str) -> dict[str, Any]:
    return {
        "apiVersion": "grafana.integreatly.org/v1beta1",
        "kind": "GrafanaDashboard",
        "metadata": _metadata(stack, dashboard.uid.lower(), labels),
        "spec": {"instanceSelector": {"matchLabels": dict(stack.environment.grafana_instance)}, "json": text},
    }


def templates_configmap(stack: Stack, labels: dict[str, str]) -> dict[str, Any]:
    """The message templates, for the Alertmanager resource's `spec.configMaps`."""
    return kubernetes.configmap(
        TEMPLATES_CONFIGMAP,
        stack.settings.namespace,
        labels,
        {alertmanager.TEMPLATE_FILE: alertmanager.message_templates()},
    )


def receiver_name(stack: Stack, name: str) -> str:
    """What the operator calls a receiver of the AlertmanagerConfig in the config it generates."""
    return f"{stack.settings.namespace}/{ALERTMANAGER_CONFIG}/{name}"


def namespace_matcher(stack: Stack) -> str:
    return f'namespace="{stack.settings.namespace}"'


def applied_config(stack: Stack) -> dict[str, Any]:
    """The Alertmanager config the operator generates from this AlertmanagerConfig on kube-prometheus-stack's base
    (root receiver "null"), with webhook URLs read from the Secret's keys mounted as files."""
    plain = alertmanager.config(stack)
    top = {
        **_renamed(stack, {k: v for k, v in plain["route"].items() if k != "routes"}),
        "matchers": [namespace_matcher(stack)],
        "continue": True,
    }
    if plain["route"]["routes"]:
        top["routes"] = [_renamed(stack, route) for route in plain["route"]["routes"]]
    inhibit_rules = [
        {
            **rule,
            "source_matchers": [*rule["source_matchers"], namespace_matcher(stack)],
            "target_matchers": [*rule["target_matchers"], namespace_matcher(stack)],
        }
        for rule in plain["inhibit_rules"]
    ]
    return {
        "global": plain["global"],
        "templates": plain["templates"],
        "route": {"receiver": BASE_RECEIVER, **BASE_ROUTE, "routes": [top]},
        "inhibit_rules": inhibit_rules,
        "receivers": [
            {"name": BASE_RECEIVER},
            *({**r, "name": receiver_name(stack, r["name"])} for r in plain["receivers"]),
        ],
    }


def _renamed(stack: Stack, route: dict[str, Any]) -> dict[str, Any]:
    """A route of the plain config with the operator's receiver names, down the tree."""
    renamed = dict(route)
    if "receiver" in renamed:
        renamed["receiver"] = receiver_name(stack, renamed["receiver"])
    if "routes" in renamed:
        renamed["routes"] = [_renamed(stack, child) for child in renamed["routes"]]
    return renamed


def applied_inhibits(stack: Stack) -> list[Inhibit]:
    """The inhibit rules as the operator applies them: both sides restricted to the namespace."""
    extra = (namespace_matcher(stack),)
    return [rule.model_copy(update={"source": rule.source + extra, "target": rule.target + extra})
            for rule in stack.routing.inhibit]  # fmt: skip


def _metadata(stack: Stack, name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "namespace": stack.settings.namespace, "labels": dict(sorted(labels.items()))}


def _matchers(matchers: tuple[str, ...]) -> list[dict[str, str]]:
    parsed = [matcher_parts(m) for m in matchers]
    return [{"name": name, "value": value, "matchType": op} for name, op, value in parsed]


def _crd_route(route: dict[str, Any]) -> dict[str, Any]:
    """A route of the plain config in the AlertmanagerConfig's terms: camelCase, matchers as objects."""
    converted: dict[str, Any] = {}
    for key, value in route.items():
        if key == "matchers":
            converted[key] = _matchers(tuple(value))
        elif key == "routes":
            if value:
                converted[key] = [_crd_route(child) for child in value]
        else:
            converted[_camel(key)] = value
    return converted


def _inhibit(rule: Inhibit) -> dict[str, Any]:
    return {"sourceMatch": _matchers(rule.source), "targetMatch": _matchers(rule.target), "equal": list(rule.equal)}


# plain Alertmanager's `*_file` settings → the AlertmanagerConfig field that reads the same secret from a Secret key
_SECRET_FIELDS = {
    ("slack_configs", "api_url_file"): "apiURL",
    ("discord_configs", "webhook_url_file"): "apiURL",
    ("pagerduty_configs", "routing_key_file"): "routingKey",
    ("opsgenie_configs", "api_key_file"): "apiKey",
    ("email_configs", "auth_password_file"): "authPassword",
    ("msteamsv2_configs", "webhook_url_file"): "webhookURL",
    ("webhook_configs", "url_file"): "urlSecret",
}


def _receiver(stack: Stack, receiver: dict[str, Any]) -> dict[str, Any]:
    """A receiver of the plain config in the AlertmanagerConfig's terms: camelCase fields, and every secret a
    reference to a key of the webhook Secret (never a value)."""
    converted: dict[str, Any] = {"name": receiver["name"]}
    for kind, configs in receiver.items():
        if kind != "name":
            converted[_camel(kind)] = [_settings(stack, kind, settings) for settings in configs]
    return converted


def _settings(stack: Stack, kind: str, settings: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    for key, value in settings.items():
        field = _SECRET_FIELDS.get((kind, key))
        if field:
            converted[field] = {"name": stack.settings.secret_name, "key": value.rsplit("/", 1)[-1]}
        elif key == "headers":
            converted[key] = [{"key": k, "value": v} for k, v in value.items()]
        else:
            converted[_camel(key)] = value
    return converted


def _camel(name: str) -> str:
    """`slack_configs` → `slackConfigs`, `send_resolved` → `sendResolved`."""
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)
