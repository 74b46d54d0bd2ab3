"""Kubernetes ConfigMaps that carry the rendered files."""

from __future__ import annotations

import json
from typing import Any

from futuramon.render.yamltext import HEADER, to_yaml

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
    parts = pack([_group_text(group) for group in groups])
    width = len(str(len(parts)))
    return {
        f"{key}-{index:0{width}}": configmap(
            f"{name}-{index:0{width}}", namespace, labels, {f"{key}-{index:0{width}}.yaml": _rule_file(part)}
        )
        for index, part in enumerate(parts, start=1)
    }


def pack(groups: list[str]) -> list[list[str]]:
    """Rule groups (as YAML text) in order, in as few parts as keep each within the budget (a group larger
    than the budget stands alone)."""
    parts: list[list[str]] = [[]]
    used = _size(_rule_file([]))
    for group in groups:
        size = _size(group)
        if parts[-1] and used + size > RULES_BUDGET:
            parts.append([])
            used = _size(_rule_file([]))
        parts[-1].append(group)
        used += size
    return parts


def _group_text(group: dict[str, Any]) -> str:
    """One group as the item it is in a rule file's `groups:` list (each group is written once)."""
    return to_yaml({"groups": [group]}, header=False).removeprefix("groups:\n")


def _rule_file(groups: list[str]) -> str:
    """A rule file of groups already written: the same text as writing them together."""
    return HEADER + "groups:\n" + "".join(groups) if groups else to_yaml({"groups": []})


def _size(text: str) -> int:
    """Bytes a rule text takes in the object: JSON-escaped in kubectl's annotation, or indented in the YAML file."""
    return max(len(json.dumps(text, ensure_ascii=False).encode()), len(text.encode()) + 4 * text.count("\n"))
