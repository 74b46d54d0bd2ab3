"""promtool unit-test files generated from the test cases declared on each alert.

Each alert's cases run against its rendered rule with `summary` and `description` left out:
those hold `{{ $value }}` text that promtool would have to match to the last digit.
Labels, `runbook_url` and `dashboard_url` are checked exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from futuramon import cases
from futuramon.cases import Proven
from futuramon.model import Alert, AlertCase, RuleGroup, Stack, duration_seconds
from futuramon.render import prometheus
from futuramon.render.text import alert_annotations, alert_labels

CHECKED_ANNOTATIONS = ("runbook_url", "dashboard_url")
TIMELINE_STEPS = 1440


@dataclass(frozen=True)
class Suite:
    """One alert's rule (alone, so promtool evaluates nothing else) and its test cases, as promtool files."""

    alert: Alert
    rules: dict[str, Any]
    tests: dict[str, Any]

    @property
    def rules_file(self) -> str:
        return _rules_file(self.alert)

    @property
    def tests_file(self) -> str:
        return f"{self.alert.name}.tests.yaml"


def suites(stack: Stack) -> list[Suite]:
    """A suite per declared alert with cases: a stamped alert's run against its first copy."""
    return [_suite(stack, group, alert, [_case(stack, alert, case) for case in cases.expanded(stack, alert)])
            for group, alert in stack.representatives() if alert.tests]  # fmt: skip


def timeline(stack: Stack, alert: Alert, case: Proven) -> Suite:
    """One case, expected quiet at every minute up to its `at`, with the rule's full annotations: every minute
    at which the alert fires is reported as failing, with the labels and expanded annotations promtool got."""
    minutes = int(duration_seconds(case.at) // 60)
    step = -(-minutes // TIMELINE_STEPS) or 1  # one evaluation per minute, at most TIMELINE_STEPS of them
    times = sorted({*range(0, minutes + 1, step), minutes})
    test = _case(stack, alert, case, [f"{minute}m" for minute in times], expect_firing=False)
    return Suite(alert, prometheus.rule_alone(stack, prometheus.group_of(stack, alert), alert), _tests(alert, [test]))


def case_name(alert: Alert, case: AlertCase) -> str:
    return f"{alert.name}: {case.name}"


def _rules_file(alert: Alert) -> str:
    return f"{alert.name}.rules.yaml"


def _suite(stack: Stack, group: RuleGroup, alert: Alert, tests: list[dict[str, Any]]) -> Suite:
    rules = prometheus.rule_alone(stack, group, alert)
    for rule in rules["groups"][0]["rules"]:
        if "alert" in rule:
            rule["annotations"] = {k: v for k, v in rule["annotations"].items() if k in CHECKED_ANNOTATIONS}
    return Suite(alert, rules, _tests(alert, tests))


def _tests(alert: Alert, tests: list[dict[str, Any]]) -> dict[str, Any]:
    return {"rule_files": [_rules_file(alert)], "evaluation_interval": "1m", "tests": tests}


def _case(stack: Stack, alert: Alert, case: Proven, times: list[str] | None = None, expect_firing: bool = True
          ) -> dict[str, Any]:  # fmt: skip
    expected = []
    if case.fires and expect_firing:
        links = {k: v for k, v in alert_annotations(stack, alert).items() if k in CHECKED_ANNOTATIONS}
        expected.append({"exp_labels": {**case.labels, **alert_labels(alert)}, "exp_annotations": links})
    return {
        "name": case_name(alert, case),
        "interval": "1m",
        "input_series": [{"series": s.selector, "values": s.values} for s in case.series],
        "alert_rule_test": [
            {"eval_time": at, "alertname": alert.name, "exp_alerts": expected} for at in (times or [case.at])
        ],
    }
