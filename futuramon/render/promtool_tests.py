"""promtool unit-test files generated from the test cases declared on each alert.

The cases run against the rendered rules with `summary` and `description` left out:
those hold `{{ $value }}` text that promtool would have to match to the last digit.
Labels, `runbook_url` and `dashboard_url` are checked exactly.
"""

from __future__ import annotations

from typing import Any

from futuramon.model import Alert, AlertCase, Stack, duration_seconds
from futuramon.render import prometheus
from futuramon.render.text import alert_annotations, alert_labels

RULES = "alert-rules.yaml"
TESTS = "alert-tests.yaml"
CHECKED_ANNOTATIONS = ("runbook_url", "dashboard_url")


def rules_under_test(stack: Stack) -> dict[str, Any]:
    groups = prometheus.rule_groups(stack)
    for group in groups["groups"]:
        for rule in group["rules"]:
            rule["annotations"] = {k: v for k, v in rule["annotations"].items() if k in CHECKED_ANNOTATIONS}
    return groups


def test_file(stack: Stack) -> dict[str, Any]:
    return {
        "rule_files": [RULES],
        "evaluation_interval": "1m",
        "tests": [_case(stack, alert, case) for alert in stack.alerts for case in alert.tests],
    }


def case_name(alert: Alert, case: AlertCase) -> str:
    return f"{alert.name}: {case.name}"


def timeline_file(stack: Stack, alert: Alert, case: AlertCase) -> dict[str, Any]:
    """One firing case, expected to fire at every minute up to its `at`: the minutes promtool reports
    as failing are those before the alert fired."""
    minutes = int(duration_seconds(case.at) // 60)
    test = _case(stack, alert, case, [f"{minute}m" for minute in range(minutes + 1)])
    return {"rule_files": [RULES], "evaluation_interval": "1m", "tests": [test]}


def _case(stack: Stack, alert: Alert, case: AlertCase, times: list[str] | None = None) -> dict[str, Any]:
    expected = []
    if case.fires:
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
