"""Kubernetes ConfigMaps that carry the rendered files, and the size budget every rules object is packed to."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from futuramon.render.prometheus import rule_file
from futuramon.render.yamltext import to_yaml

# `kubectl apply` keeps the whole object, as JSON, in its last-applied annotation, which must stay under
# 256 KiB (Kubernetes itself refuses objects over 1 MiB). Rules are packed into objects (ConfigMaps,
# PrometheusRules) of at most this many bytes of rules, however they are measured (as JSON, or as the
# object's YAML file), leaving room for the object's metadata.
RULES_BUDGET = 240 * 1024
T = TypeVar("T")


def configmap(name: str, namespace: str, labels: dict[str, str], data: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(sorted(labels.items()))},
        "data": data,
    }


def rule_configmaps(
    name: str, key: str, groups: list[str], text: str, namespace: str, labels: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """The rule file `text` (of these `groups`, as `prometheus.group_texts` writes them) as ConfigMaps, by file
    stem: one ConfigMap `name` with the one key `key`.yaml while it fits the budget; otherwise rule groups packed
    in order, whole, into `name`-1, `name`-2, ... with keys `key`-1.yaml, ... (mount them all into one folder of
    rule files)."""
    if _size(text) <= RULES_BUDGET:
        return {key: configmap(name, namespace, labels, {f"{key}.yaml": text})}
    parts = pack(groups, _size, _size(rule_file([])))
    return {
        f"{key}{suffix}": configmap(f"{name}{suffix}", namespace, labels, {f"{key}{suffix}.yaml": rule_file(part)})
        for suffix, part in numbered(parts)
    }


def pack(items: list[T], size: Callable[[T], int], empty: int) -> list[list[T]]:
    """Items (rule groups) in order, in as few parts as keep each within the budget, `empty` being the size
    of a part holding none (an item larger than the budget stands alone)."""
    parts: list[list[T]] = [[]]
    used = empty
    for item in items:
        taken = size(item)
        if parts[-1] and used + taken > RULES_BUDGET:
            parts.append([])
            used = empty
        parts[-1].append(item)
        used += taken
    return parts


def numbered(parts: list[list[T]]) -> list[tuple[str, list[T]]]:
    """Each part with its name suffix: `-1`, `-2`, ... (zero-padded, so that they sort in order)."""
    width = len(str(len(parts)))
    return [(f"-{index:0{width}}", part) for index, part in enumerate(parts, start=1)]


def group_size(group: dict[str, Any], text: str, indent: int) -> int:
    """Bytes a rule group (written as `text` in a plain rule file) takes in an object that holds it as structure
    (a PrometheusRule's `spec.groups`): as JSON in kubectl's annotation, or as YAML indented `indent` more."""
    as_json = len(json.dumps(group, ensure_ascii=False, separators=(",", ":")).encode()) + 1  # and its comma
    return max(as_json, len(text.encode()) + indent * text.count("\n"))


def object_size(document: dict[str, Any]) -> int:
    """Bytes an object takes: as JSON in kubectl's annotation, or as its YAML file."""
    return max(len(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()), len(to_yaml(document)))


def _size(text: str) -> int:
    """Bytes a rule text takes in the object: JSON-escaped in kubectl's annotation, or indented in the YAML file."""
    return max(len(json.dumps(text, ensure_ascii=False).encode()), len(text.encode()) + 4 * text.count("\n"))
