"""The registry of checks `futuramon validate` runs, in the order `futuramon checks` lists them."""

from futuramon.checks import (
    behaviour,
    lint_alerts,
    lint_dashboard,
    lint_routing,
    outputs,
    targets,
    templates,
    tool_checks,
)
from futuramon.checks.base import Check, Context, Problem

REGISTRY: list[Check] = [
    *targets.CHECKS,
    *tool_checks.CHECKS,
    *behaviour.CHECKS,
    *outputs.CHECKS,
    *templates.CHECKS,
    *lint_alerts.CHECKS,
    *lint_routing.CHECKS,
    *lint_dashboard.CHECKS,
]

__all__ = ["REGISTRY", "Check", "Context", "Problem"]
