"""Deployable at any size: rules too large for one ConfigMap are packed, whole groups in order, into several."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from bench.scale import generate
from futuramon.pipeline import build
from futuramon.render.kubernetes import RULES_BUDGET
from futuramon.render.yamltext import to_yaml

from .conftest import SPECS

APPLY_LIMIT = 256 * 1024  # kubectl apply's last-applied annotation


def test_many_services_split_into_configmaps_that_kubectl_apply_accepts(tmp_path: Path) -> None:
    files = build(generate(SPECS, tmp_path / "specs", 40, tests=False)).files
    maps = {name: yaml.safe_load(text) for name, text in files.items() if name.startswith("k8s/prometheus/")}
    assert sorted(maps) == ["k8s/prometheus/alert-rules-1.yaml", "k8s/prometheus/alert-rules-2.yaml"]
    assert [m["metadata"]["name"] for m in maps.values()] == ["prometheus-alert-rules-1", "prometheus-alert-rules-2"]
    for name, configmap in maps.items():
        assert len(files[name].encode()) < APPLY_LIMIT
        assert len(json.dumps(configmap, separators=(",", ":")).encode()) < APPLY_LIMIT
    keys = [key for m in maps.values() for key in m["data"]]
    assert keys == ["alert-rules-1.yaml", "alert-rules-2.yaml"]  # distinct: one folder of rule files holds both
    split = [g for m in maps.values() for text in m["data"].values() for g in yaml.safe_load(text)["groups"]]
    for configmap in maps.values():  # each part reads as if its groups had been written together
        for text in configmap["data"].values():
            assert text == to_yaml(yaml.safe_load(text))
    assert split == yaml.safe_load(files["prometheus/alert-rules.yaml"])["groups"]  # every group, whole, in order


def test_a_stack_that_fits_keeps_its_one_configmap() -> None:
    files = build(SPECS).files
    rules = "production/k8s/prometheus/alert-rules.yaml"
    assert [name for name in files if name.startswith("production/k8s/prometheus/")] == [rules]
    assert yaml.safe_load(files[rules])["metadata"]["name"] == "prometheus-alert-rules"
    assert len(files[rules]) < RULES_BUDGET
