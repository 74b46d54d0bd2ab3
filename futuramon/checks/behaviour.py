"""The test cases declared in the specs: alerts through `promtool test rules`, routes through
`amtool config routes test`, inhibit rules evaluated here."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor

from futuramon import tools
from futuramon.checks.base import Check, Context, Problem
from futuramon.render import outputs, promtool_tests
from futuramon.render.yamltext import to_yaml


def alert_tests(ctx: Context, check: Check) -> list[Problem]:
    suites = promtool_tests.suites(ctx.stack)
    folder = ctx.workdir / "alert-tests"
    folder.mkdir(exist_ok=True)
    for suite in suites:
        (folder / suite.rules_file).write_text(to_yaml(suite.rules))
        (folder / suite.tests_file).write_text(to_yaml(suite.tests))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = list(pool.map(lambda s: tools.run("promtool", "test", "rules", s.tests_file, cwd=folder), suites))
    problems = []
    for suite, result in zip(suites, results, strict=True):
        if result.code == 0:
            continue
        failed = _failures(result.output)
        alert = suite.alert
        for case in alert.tests:
            report = failed.get(promtool_tests.case_name(alert, case))
            if report is not None:
                expectation = f"fires at {case.at}" if case.fires else f"stays quiet at {case.at}"
                problems.append(check.problem(
                    ctx.where(case),
                    f"alert {alert.name}: case '{case.name}' expected the alert {expectation}, promtool says:\n"
                    f"{report}"))  # fmt: skip
        if not failed:
            problems.append(check.problem(ctx.where(alert), f"promtool test rules failed:\n{result.output}"))
    return problems


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
        result = tools.route(ctx.workdir / outputs.ALERTMANAGER, case.labels, case.receivers)
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
