"""The ruler target: rule files for a horizontally scaled ruler (Mimir, Cortex, Thanos, vmalert).

One folder per tenant, one file per rule namespace, as `mimirtool rules sync --rule-dirs=ruler/<tenant>
--id=<tenant>` (and cortextool) read them: a `namespace` key above the Prometheus rule groups. Thanos
Ruler and vmalert read the groups alone (`prometheus/alert-rules.yaml`, or this file without `namespace`).
"""

from __future__ import annotations

from typing import Any

from futuramon.model import Stack

FOLDER = "ruler"


def tenant(stack: Stack) -> str:
    return stack.environment.tenant or stack.environment.name


def rules_path(stack: Stack) -> str:
    return f"{FOLDER}/{tenant(stack)}/{stack.settings.namespace}.yaml"


def rule_namespace(stack: Stack, groups: list[dict[str, Any]]) -> dict[str, Any]:
    return {"namespace": stack.settings.namespace, "groups": groups}
