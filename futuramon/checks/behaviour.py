"""The test cases declared in the specs: alerts through `promtool test rules`, routes through
`amtool config routes test`, inhibit rules evaluated here."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from futuramon import tools
from futuramon.checks.base import Check, Context, Finding
from futuramon.model import moment
from futuramon.render import deployed, outputs, promtool_tests
from futuramon.render.yamltext import to_yaml


def alert_tests(ctx: Context) -> Iterator[Finding]:
    suites = promtool_tests.suites(ctx.stack)
    folder = ctx.workdir / "alert-tests"
    folder.mkdir(exist_ok=True)
    for suite in suites:
        (folder / suite.rules_file).write_text(to_yaml(suite.rules))
        (folder / suite.tests_file).write_text(to_yaml(suite.tests))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = list(pool.map(lambda s: tools.run("promtool", "test", "rules", s.tests_file, cwd=folder), suites))
    for suite, result in zip(suites, results, strict=True):
        if result.code == 0:
            continue
        failed = _failures(result.output)
        alert = suite.alert
        for case in alert.tests:
            report = failed.get(promtool_tests.case_name(alert, case))
            if report is not None:
                expectation = f"fires at {case.at}" if case.fires else f"stays quiet at {case.at}"
                yield Finding(ctx.where(case), f"alert {alert.name}: case '{case.name}' expected the alert "
                                               f"{expectation}, promtool says:\n{report}")  # fmt: skip
        if not failed:
            yield Finding(ctx.where(alert), f"promtool test rules failed:\n{result.output}")


def _failures(output: str) -> dict[str, str]:
    """promtool's FAILED blocks, by test name."""
    blocks = re.split(r"\n\s*FAILED:\n", "\n" + output)[1:]
    failures = {}
    for block in blocks:
        found = re.search(r"name: (.*?),\n", block)
        if found:
            failures[found.group(1)] = block.strip()
    return failures


def route_tests(ctx: Context) -> Iterator[Finding]:
    """Receivers from amtool; at a stated moment, which of them the time intervals mute."""
    routing = ctx.stack.routing
    for case in routing.tests:
        expected = tuple(deployed.receiver_name(ctx.stack, r) for r in case.receivers)
        result = tools.route(ctx.workdir / outputs.ALERTMANAGER, case.labels, expected)
        if result.code != 0:
            got = result.output.splitlines()[0] if result.output else "(nothing)"
            yield Finding(
                ctx.where(case), f"labels {case.labels} should reach {', '.join(case.receivers)}, reached {got}"
            )
        elif case.at is not None and routing.muted_at(case.labels, moment(case.at)) != list(case.muted):
            muted = routing.muted_at(case.labels, moment(case.at))
            yield Finding(ctx.where(case), f"labels {case.labels} at {case.at}: expected muted "
                                           f"{', '.join(case.muted) or '(none)'}, the time intervals mute "
                                           f"{', '.join(muted) or '(none)'}")  # fmt: skip


def inhibit_tests(ctx: Context) -> Iterator[Finding]:
    for rule in deployed.inhibit_rules(ctx.stack):  # as the environment's Alertmanager applies them
        for case in rule.tests:
            if rule.inhibits(case.source, case.target) != case.inhibited:
                expected = "to inhibit" if case.inhibited else "not to inhibit"
                yield Finding(ctx.where(case), f"inhibit rule {rule.describe()} was expected {expected} "
                                               f"{case.target} when {case.source} fires")  # fmt: skip


def alert_cases(ctx: Context) -> Iterator[Finding]:
    """An alert is proven only by a case in which it fires and one in which it stays quiet."""
    for alert in ctx.stack.alerts:
        missing = [kind for kind, fires in (("firing", True), ("quiet", False))
                   if not any(case.fires == fires for case in alert.tests)]  # fmt: skip
        if missing:
            yield Finding(ctx.where(alert), f"alert {alert.name} has no {' and no '.join(missing)} test case: "
                                            "declare fires(...) and quiet(...) cases in its tests")  # fmt: skip


CHECKS = [
    Check("alert-tests", "error", "every alert's declared cases pass `promtool test rules`", alert_tests, True),
    Check(
        "route-tests",
        "error",
        "every route case reaches its receivers in `amtool config routes test`, muted as stated at its moment",
        route_tests,
        True,
    ),
    Check("inhibit-tests", "error", "every inhibit rule mutes exactly the alerts its cases say", inhibit_tests),
    Check(
        "alert-cases", "warning", "every alert has a firing and a quiet test case (an error with --strict)", alert_cases
    ),
]
