"""Checks that prove what each deployment target will really do with the rendered objects.

- the rules inside whatever carries them (the plain file, PrometheusRule objects, ruler files) pass promtool,
  and ruler files pass `vmalert -dryRun`;
- every alert reaches its receivers through the Alertmanager config as deployed: for prometheus-operator
  that is the config the operator generates, where an alert without the namespace label is never routed;
- every object carries the labels its selector needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from futuramon import cases, tools
from futuramon.checks.base import Check, Context, Finding
from futuramon.model import Alert, Stack
from futuramon.render import deployed, outputs, ruler
from futuramon.render.text import alert_labels
from futuramon.render.yamltext import to_yaml

RULE_FILE = {"configmaps": outputs.RULES}  # otherwise the rules are every file of the target's rules folder
RULE_FOLDER = {"prometheus-operator": outputs.K8S_RULES, "ruler": f"{ruler.FOLDER}/"}


def rule_files(ctx: Context) -> dict[str, str]:
    """Rendered file → the Prometheus rule file it carries (the plain file itself, PrometheusRule's spec, a ruler
    file without its `namespace`): what Prometheus or the ruler will load."""
    target = ctx.stack.environment.target
    if target in RULE_FILE:
        return {RULE_FILE[target]: ctx.files[RULE_FILE[target]]}
    carried = {}
    for name in sorted(name for name in ctx.files if name.startswith(RULE_FOLDER[target])):
        document = ctx.documents(name)[0]
        groups = document["spec"]["groups"] if document.get("kind") == "PrometheusRule" else document["groups"]
        carried[name] = to_yaml({"groups": groups})
    return carried


def _written(ctx: Context) -> dict[str, Path]:
    """`rule_files` written once into the scratch folder (for promtool and vmalert), by rendered name."""

    def write() -> dict[str, Path]:
        base = ctx.workdir / "rules"
        base.mkdir(parents=True, exist_ok=True)
        paths = {}
        for index, (name, text) in enumerate(rule_files(ctx).items()):
            paths[name] = base / f"{index}-{Path(name).name}"
            paths[name].write_text(text)
        return paths

    return ctx.once("rule files", write)


def rules_checked(ctx: Context) -> dict[str, tools.Result]:
    """`promtool check rules` of each rule file the target loads, by rendered name: run once, for this check
    and annotation-templates."""
    return ctx.once("promtool check rules",
                    lambda: {name: tools.run("promtool", "check", "rules", str(path))
                             for name, path in _written(ctx).items()})  # fmt: skip


def promtool_rules(ctx: Context) -> Iterator[Finding]:
    for name, result in rules_checked(ctx).items():
        if result.code != 0:
            yield Finding((ctx.shown(name), 0), f"promtool check rules failed:\n{result.output}")


def vmalert_dry_run(ctx: Context) -> Iterator[Finding]:
    if ctx.stack.environment.target != "ruler":
        return
    for name, path in _written(ctx).items():
        result = tools.run("vmalert", "-dryRun", f"-rule={path}", "-loggerLevel=ERROR")
        if result.code != 0:
            yield Finding((ctx.shown(name), 0), f"vmalert -dryRun failed:\n{result.output}")


def proven_labels(stack: Stack, alert: Alert) -> dict[str, str]:
    """The labels the alert fires with: its firing case's (which promtool proves) and its own."""
    case = next((c for c in cases.expanded(stack, alert) if c.fires), None)
    return {"alertname": alert.name, **(case.labels if case else {}), **alert_labels(alert)}


def alerts_routed_as_deployed(ctx: Context) -> Iterator[Finding]:
    stack = ctx.stack
    proven = [(alert, proven_labels(stack, alert)) for alert in stack.alerts]
    asked: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
    for _, labels in proven:
        asked.setdefault(_routing(ctx, labels), labels)  # the first alert of each routing speaks for the others
    results = dict(zip(asked, tools.each(lambda labels: route(ctx, labels), list(asked.values())), strict=True))
    intended = {key: [deployed.receiver_name(stack, r) for r in stack.routing.receivers_for(labels)]
                for key, labels in asked.items()}  # fmt: skip
    namespace = stack.settings.namespace
    for alert, labels in proven:
        key = _routing(ctx, labels)
        result = results[key]
        reached = result.output.splitlines()[0].split(",") if result.code == 0 and result.output else []
        if reached == intended[key]:
            continue
        message = (f"alert {alert.name} should reach {', '.join(intended[key])} but the Alertmanager config as "
                   f"deployed ({outputs.ALERTMANAGER}) sends it to {', '.join(reached) or 'nothing'}")  # fmt: skip
        if stack.environment.target == "prometheus-operator" and labels.get("namespace") != namespace:
            message += (
                f': it lacks the label namespace="{namespace}", which the operator requires on every route of an '
                f"AlertmanagerConfig (keep `namespace` in the expression, or set it in the environment's alert_labels)"
            )
        yield Finding(ctx.where(alert), message)


def route(ctx: Context, labels: dict[str, str]) -> tools.Result:
    """`amtool config routes test` of a label set through the Alertmanager config as deployed: run once per
    distinct set of the labels the routes match on, as deployed and as declared, for every check that asks
    (label sets that agree on all of those take the same routes)."""
    key = _routing(ctx, labels)
    return ctx.once(f"route {key}", lambda: tools.route(ctx.workdir / outputs.ALERTMANAGER, labels))


def _routing(ctx: Context, labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The labels of a set that the routes match on (all of them when a matcher cannot be read here)."""

    def read() -> frozenset[str] | None:
        deployed_names = _routed_by(ctx.documents(outputs.ALERTMANAGER)[0]["route"])
        return None if deployed_names is None else deployed_names | ctx.stack.routing.matched_labels()

    names = ctx.once("routing labels", read)
    return tuple(sorted((k, v) for k, v in labels.items() if names is None or k in names))


_MATCHER_NAME = re.compile(r"^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")


def _routed_by(tree: dict[str, Any]) -> frozenset[str] | None:
    """The label names an Alertmanager route tree matches on (None: a matcher not read here)."""
    names: set[str] = set()
    pending = [tree]
    while pending:
        route = pending.pop()
        names |= {*route.get("match", {}), *route.get("match_re", {})}
        for matcher in route.get("matchers", []):
            found = _MATCHER_NAME.match(matcher)
            if found is None:
                return None
            names.add(found.group(1))
        pending.extend(route.get("routes", []))
    return frozenset(names)


def selector_labels(ctx: Context) -> Iterator[Finding]:
    environment = ctx.stack.environment
    wanted = {
        "PrometheusRule": (environment.rule_labels, "rule_labels (the Prometheus ruleSelector)"),
        "AlertmanagerConfig": (environment.alertmanager_config_labels, "alertmanager_config_labels"),
    }
    for name in ctx.files:
        if not name.startswith("k8s/"):
            continue
        for document in ctx.documents(name):
            kind = document.get("kind", "")
            labels = document.get("metadata", {}).get("labels", {})
            needed, source = wanted.get(kind, ({}, ""))
            if kind == "ConfigMap" and name.startswith("k8s/grafana/"):
                needed, source = outputs.SIDECAR, "the Grafana sidecar's label"
            missing = {k: v for k, v in needed.items() if labels.get(k) != v}
            if missing:
                yield Finding((ctx.shown(name), 0), f"{kind} lacks {missing} from {source}")
            if kind == "GrafanaDashboard" and not document["spec"]["instanceSelector"].get("matchLabels"):
                yield Finding((ctx.shown(name), 0), "GrafanaDashboard selects no Grafana instance: "
                                                    "set the environment's grafana_instance")  # fmt: skip


CHECKS = [
    Check(
        "promtool-check-rules", "error", "the rules each target loads pass `promtool check rules`", promtool_rules, True
    ),
    Check("vmalert-dry-run", "error", "ruler rule files pass `vmalert -dryRun`", vmalert_dry_run, True),
    Check(
        "alerts-routed-as-deployed",
        "error",
        "every alert reaches its receivers through the Alertmanager config as deployed (operator namespace matcher "
        "included)",
        alerts_routed_as_deployed,
        True,
    ),
    Check("selector-labels", "error", "every object carries the labels its selector needs", selector_labels),
]
