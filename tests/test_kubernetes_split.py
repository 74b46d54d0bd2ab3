"""Deployable at any size: rules too large for one object (ConfigMap or PrometheusRule) are packed, whole groups in
order, into several, each small enough for plain `kubectl apply`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from bench.scale import generate
from futuramon import crds, tools
from futuramon.pipeline import build
from futuramon.render.kubernetes import RULES_BUDGET
from futuramon.render.yamltext import to_yaml
from futuramon.validate import select, validate

from .conftest import SPECS

APPLY_LIMIT = 256 * 1024  # kubectl apply's last-applied annotation
STAGED = """from futuramon.dsl import Environment

STAGING = Environment(name="staging", target="prometheus-operator", namespace="futuratickets-staging",
                      alert_labels={"namespace": "{namespace}"}, rule_labels={"release": "kube-prometheus-stack"},
                      grafana_instance={"dashboards": "grafana"})
"""


def _parts(files: dict[str, str], count: int) -> dict[str, dict[str, Any]]:
    """The rules objects, asserted to be `count` parts named in order, each within kubectl apply's limit."""
    parts = {name: yaml.safe_load(text) for name, text in files.items() if name.startswith("k8s/prometheus/")}
    assert sorted(parts) == [f"k8s/prometheus/alert-rules-{i}.yaml" for i in range(1, count + 1)]
    assert [p["metadata"]["name"] for p in parts.values()] == [
        f"prometheus-alert-rules-{i}" for i in range(1, count + 1)
    ]
    for name, part in parts.items():
        assert len(files[name].encode()) < APPLY_LIMIT
        assert len(json.dumps(part, separators=(",", ":")).encode()) < APPLY_LIMIT
    return parts


def test_many_services_split_into_configmaps_that_kubectl_apply_accepts(tmp_path: Path) -> None:
    files = build(generate(SPECS, tmp_path / "specs", 36, tests=False)).files
    maps = _parts(files, 2)
    keys = [key for m in maps.values() for key in m["data"]]
    assert keys == ["alert-rules-1.yaml", "alert-rules-2.yaml"]  # distinct: one folder of rule files holds both
    split = [g for m in maps.values() for text in m["data"].values() for g in yaml.safe_load(text)["groups"]]
    for configmap in maps.values():  # each part reads as if its groups had been written together
        for text in configmap["data"].values():
            assert text == to_yaml(yaml.safe_load(text))
    assert split == yaml.safe_load(files["prometheus/alert-rules.yaml"])["groups"]  # every group, whole, in order


def test_many_services_split_into_prometheus_rules_each_selected_and_valid(tmp_path: Path) -> None:
    specs = generate(SPECS, tmp_path / "specs", 20, tests=False)
    (specs / "environments.py").write_text(STAGED)
    files = build(specs).files
    rules = _parts(files, 2)
    for rule in rules.values():
        assert rule["metadata"]["labels"]["release"] == "kube-prometheus-stack"  # the ruleSelector picks each
        assert crds.errors(rule) == []
    split = [group for rule in rules.values() for group in rule["spec"]["groups"]]
    assert split == yaml.safe_load(files["prometheus/alert-rules.yaml"])["groups"]  # every group, whole, in order
    for index, rule in enumerate(rules.values()):  # Prometheus loads each part: promtool accepts its rules
        path = tmp_path / f"part-{index}.yaml"
        path.write_text(to_yaml(rule["spec"]))
        checked = tools.run("promtool", "check", "rules", str(path))
        assert checked.code == 0, checked.output
        assert f"SUCCESS: {sum(len(g['rules']) for g in rule['spec']['groups'])} rules found" in checked.output
    checks = select(["promtool-check-rules", "kubernetes-schema", "selector-labels"], [])
    assert validate(specs, tmp_path / "out", checks) == []


def test_a_stack_that_fits_keeps_its_one_object() -> None:
    files = build(SPECS).files
    for environment in ("production", "staging"):
        rules = f"{environment}/k8s/prometheus/alert-rules.yaml"
        assert [name for name in files if name.startswith(f"{environment}/k8s/prometheus/")] == [rules]
        assert yaml.safe_load(files[rules])["metadata"]["name"] == "prometheus-alert-rules"
        assert len(files[rules]) < RULES_BUDGET
