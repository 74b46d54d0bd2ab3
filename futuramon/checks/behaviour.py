"""The test cases declared in the specs: alerts through `promtool test rules`, routes through
`amtool config routes test`, inhibit rules evaluated here."""

from __future__ import annotations

import re

from futuramon import tools
from futuramon.checks.base import Check, Context, Problem
from futuramon.render import outputs, promtool_tests
from futuramon.render.yamltext import to_yaml


def alert_tests(ctx: Context, check: Check) -> list[Problem]:
    stack = ctx.stack
    if not any(alert.tests for alert in stack.alerts):
        return []
    folder = ctx.workdir / "alert-tests"
    folder.mkdir(exist_ok=True)
    (folder / promtool_tests.RULES).write_text(to_yaml(promtool_tests.rules_under_test(stack)))
    (folder / promtool_tests.TESTS).write_text(to_yaml(promtool_tests.test_file(stack)))
    result = tools.run("promtool", "test", "rules", promtool_tests.TESTS, cwd=folder)
    if result.code == 0:
        return []
    failed = _failures(result.output)
    problems = []
    for alert in stack.alerts:
        for case in alert.tests:
            name = promtool_tests.case_name(alert, case)
            if name in failed:
                expectation = f"fires at {case.at}" if case.fires else f"stays quiet at {case.at}"
                problems.append(
                    check.problem(
                        ctx.where(case),
                        f"alert {alert.name}: case '{case.name}' expected the alert {expectation}, "
                        f"promtool says:\n{failed[name]}",
                    )
                )
    return problems or [check.problem(("out/" + outputs.RULES, 0), f"promtool test rules failed:\n{result.output}")]


def _failures(output: str) -> dict[str, str]:
    """promtool's FAILED blocks, by test name."""
    blocks = re.split(r"\n\s*FAILED:\n", "\n" + output)[1:]
    failures = {}
    for block in blocks:
        found = re.search(r"name: (.*?),\n", block)
        if found:
            failures[found.group(1)] = block.strip()
    return failures


def route_tests(ctx: Context, check: Check) -> list[Problem]:
    problems = []
    for case in ctx.stack.routing.tests:
        labels = [f"{k}={v}" for k, v in case.labels.items()]
        result = tools.run(
            "amtool",
            "config",
            "routes",
            "test",
            f"--config.file={outputs.ALERTMANAGER}",
            f"--verify.receivers={','.join(case.receivers)}",
            *labels,
            cwd=ctx.workdir,
        )
        if result.code != 0:
            got = result.output.splitlines()[0] if result.output else "(nothing)"
            problems.append(
                check.problem(
                    ctx.where(case), f"labels {case.labels} should reach {', '.join(case.receivers)}, reached {got}"
                )
            )
    return problems


def inhibit_tests(ctx: Context, check: Check) -> list[Problem]:
    problems = []
    for rule in ctx.stack.routing.inhibit:
        for case in rule.tests:
            if rule.inhibits(case.source, case.target) != case.inhibited:
                expected = "to inhibit" if case.inhibited else "not to inhibit"
                problems.append(
                    check.problem(
                        ctx.where(case),
                        f"inhibit rule {' '.join(rule.source)} → {' '.join(rule.target)} "
                        f"(equal {', '.join(rule.equal)}) "
                        f"was expected {expected} {case.target} when {case.source} fires",
                    )
                )
    return problems


CHECKS = [
    Check("alert-tests", "error", "every alert's declared cases pass `promtool test rules`", alert_tests, True),
    Check(
        "route-tests",
        "error",
        "every route case reaches its receivers in `amtool config routes test`",
        route_tests,
        True,
    ),
    Check("inhibit-tests", "error", "every inhibit rule mutes exactly the alerts its cases say", inhibit_tests),
]
