"""The test cases declared in the specs: alerts through `promtool test rules`, routes through
`amtool config routes test`, inhibit rules evaluated here."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from futuramon import cases, tools
from futuramon.checks.base import Check, Context, Finding
from futuramon.model import RouteCase, moment
from futuramon.render import deployed, outputs, promtool_tests
from futuramon.render.yamltext import to_yaml


def alert_tests(ctx: Context) -> Iterator[Finding]:
    """Every alert's suite, in at most one promtool process per core (each reads many test files)."""
    suites = promtool_tests.suites(ctx.stack)
    folder = ctx.workdir / "alert-tests"
    folder.mkdir(exist_ok=True)
    for suite in suites:
        (folder / suite.rules_file).write_text(to_yaml(suite.rules))
        (folder / suite.tests_file).write_text(to_yaml(suite.tests))
    batches = tools.batches(suites, os.cpu_count() or 1)
    for batch, result in zip(batches, tools.each(lambda b: _test_rules(b, folder), batches), strict=True):
        if result.code == 0:
            continue
        failed = _failures(result.output)
        if None in failed or not failed:  # a failure promtool names no test of (a file it cannot read): run alone
            for suite, alone in zip(batch, tools.each(lambda s: _test_rules([s], folder), batch), strict=True):
                yield from _suite_findings(ctx, suite, alone)
        else:
            for suite in batch:
                yield from _suite_findings(ctx, suite, result, failed)


def _test_rules(batch: list[promtool_tests.Suite], folder: Path) -> tools.Result:
    return tools.run("promtool", "test", "rules", *[s.tests_file for s in batch], cwd=folder,
                     timeout=60 + 2 * len(batch))  # fmt: skip


def _suite_findings(
    ctx: Context, suite: promtool_tests.Suite, result: tools.Result, failed: dict[str | None, str] | None = None
) -> Iterator[Finding]:
    """What failed of one alert's cases, from promtool's output for its suite (or a batch that held it)."""
    if result.code == 0:
        return
    failed = _failures(result.output) if failed is None else failed
    alert = suite.alert
    found = False
    for case in cases.expanded(ctx.stack, alert):
        report = failed.get(promtool_tests.case_name(alert, case))
        if report is not None:
            found = True
            expectation = f"fires at {case.at}" if case.fires else f"stays quiet at {case.at}"
            yield Finding(ctx.where(case), f"alert {alert.name}: case '{case.name}' expected the alert "
                                           f"{expectation}, promtool says:\n{report}")  # fmt: skip
    if not found and not [name for name in failed if name is not None]:
        yield Finding(ctx.where(alert), f"promtool test rules failed:\n{result.output}")


def _failures(output: str) -> dict[str | None, str]:
    """promtool's FAILED blocks, by test name (None: a failure that names no test)."""
    blocks = re.split(r"\n\s*FAILED:\n", "\n" + output)[1:]
    failures: dict[str | None, str] = {}
    for block in blocks:
        for part in re.split(r"\n(?=\s*name: )", block):  # a block holds every failed case of one file
            found = re.match(r"\s*name: (.*?),\n", part)
            name = found.group(1) if found else None
            failures[name] = f"{failures[name]}\n{part.strip()}" if name in failures else part.strip()
    return {name: report for name, report in failures.items() if report}


def route_tests(ctx: Context) -> Iterator[Finding]:
    """Receivers from amtool; at a stated moment, which of them the time intervals mute."""
    routing = ctx.stack.routing
    config = ctx.workdir / outputs.ALERTMANAGER

    def route(case: RouteCase) -> tools.Result:
        return tools.route(config, case.labels, tuple(deployed.receiver_name(ctx.stack, r) for r in case.receivers))

    for case, result in zip(routing.tests, tools.each(route, routing.tests), strict=True):
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
                   if not any(case.fires == fires for case in cases.expanded(ctx.stack, alert))]  # fmt: skip
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
