"""What an environment's Alertmanager runs, whatever the target: its config, receiver names and inhibit rules.

Plain Alertmanager runs the rendered config as it is; prometheus-operator runs what it generates from the
AlertmanagerConfig (namespace matcher, prefixed receiver names). Checks and `drill` read these, so they
prove what will really run.
"""

from __future__ import annotations

from typing import Any

from futuramon.model import Inhibit, Stack
from futuramon.render import alertmanager, operator


def _operator(stack: Stack) -> bool:
    return stack.environment.target == "prometheus-operator"


def alertmanager_config(stack: Stack) -> dict[str, Any]:
    return operator.applied_config(stack) if _operator(stack) else alertmanager.config(stack)


def receiver_name(stack: Stack, name: str) -> str:
    """A declared receiver's name in `alertmanager_config`."""
    return operator.receiver_name(stack, name) if _operator(stack) else name


def declared_receiver(deployed: str) -> str:
    """The declared name of a receiver of `alertmanager_config` (the operator's `namespace/object/name`)."""
    return deployed.rsplit("/", 1)[-1]


def inhibit_rules(stack: Stack) -> list[Inhibit]:
    return operator.applied_inhibits(stack) if _operator(stack) else list(stack.routing.inhibit)
