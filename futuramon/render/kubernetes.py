"""Kubernetes ConfigMaps that carry the rendered files."""

from __future__ import annotations

import json
from typing import Any

from futuramon.render.yamltext import to_yaml

# `kubectl apply` keeps the whole object, as JSON, in its last-applied annotation, which must stay under
# 256 KiB (Kubernetes itself refuses objects over 1 MiB). Rules are packed into ConfigMaps of at most this
# many bytes of rule text, however that text is measured (as JSON, or as the YAML file's indented block),
# leaving room for the object's metadata.
RULES_BUDGET = 240 * 1024


def configmap(name: str, namespace: str, labels: dict[str, str], data: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(sorted(labels.items()))},
        "data": data,
    }


def rule_configmaps(
    name: str, key: str, groups: list[dict[str, Any]], text: str, namespace: str, labels: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """The rule file `text` (of these `groups`) as ConfigMaps, by file stem: one ConfigMap `name` with the
    one key `key`.yaml while it fits the budget; otherwise rule groups packed in order, whole, into
    `name`-1, `name`-2, ... with keys `key`-1.yaml, ... (mount them all into one folder of rule files)."""
    if _size(text) <= RULES_BUDGET:
        return {key: configmap(name, namespace, labels, {f"{key}.yaml": text})}
    parts = _pack(rules["groups"])
    width = len(str(len(parts)))
    return {
        f"{key}-{index:0{width}}": configmap(
            f"{name}-{index:0{width}}", namespace, labels, {f"{key}-{index:0{width}}.yaml": to_yaml({"groups": part})}
        )
        for index, part in enumerate(parts, start=1)
    }


def _pack(groups: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Groups in order, as few parts as keep each part within the budget (a group larger than it stands alone)."""
    parts: list[list[dict[str, Any]]] = [[]]
    used = _size(to_yaml({"groups": []}))
    for group in groups:
        size = _size(to_yaml({"groups": [group]}, header=False))
        if parts[-1] and used + size > RULES_BUDGET:
            parts.append([])
            used = _size(to_yaml({"groups": []}))
        parts[-1].append(group)
        used += size
    return parts


def _size(text: str) -> int:
    """Bytes a rule text takes in the object: JSON-escaped in kubectl's annotation, or indented in the YAML file."""
    return max(len(json.dumps(text, ensure_ascii=False).encode()), len(text.encode()) + 4 * text.count("\n"))
