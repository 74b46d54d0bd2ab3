"""Kubernetes ConfigMaps that carry the rendered files."""

from __future__ import annotations

from typing import Any


def configmap(name: str, namespace: str, labels: dict[str, str], data: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(sorted(labels.items()))},
        "data": data,
    }
