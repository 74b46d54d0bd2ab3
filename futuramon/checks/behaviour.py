"""The test cases declared in the specs: alerts through `promtool test rules`, routes through
`amtool config routes test`, inhibit rules evaluated here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from futuramon import cases, tools
from futuramon.checks import targets
from futuramon.checks.base import Check, Context, Finding
from futuramon.model import Stack, duration_seconds, moment
from futuramon.render import deployed, promtool_tests
from futuramon.render.yamltext import to_yaml


def alert_tests(ctx: Context) -> Iterator[Finding]:
    """Every alert's cases, bundled (promtool_tests.Bundle) into at most one promtool process per core (the
    cores shared by the environments validated at once); the alerts of a bundle promtool does not pass are run
    again alone, for what failed."""
    folder = ctx.workdir / "alert-tests"
    batches = bundled(ctx.stack, folder, tools.cores(ctx.sharing))
    with tools.memory_folder() as tmpdir:
        results = tools.each(
            lambda batch: _test_rules([b.tests_file for b in batch], sum(len(b.suites) for b in batch), folder, tmpdir),
            batches,
        )
        passed = {file for result in results for file in _PASSED.findall(result.output)}
        failed = [suite for batch in batches for bundle in batch if bundle.tests_file not in passed
                  for suite in bundle.suites]  # fmt: skip
        yield from _alone(ctx, failed, folder, tmpdir)


def bundled(stack: Stack, folder: Path, cores: int) -> list[list[promtool_tests.Bundle]]:
    """Every alert's rule file and the test files of their bundles, written into `folder`; the bundles in
    batches of nearly equal work, one per core of `cores` (one promtool process each)."""
    folder.mkdir(parents=True, exist_ok=True)
    suites = promtool_tests.suites(stack)
    for suite in suites:
        (folder / suite.rules_file).write_text(to_yaml(suite.rules))
    batches: list[list[promtool_tests.Bundle]] = [[] for _ in range(cores)]
    costs = [0.0 for _ in batches]
    for bundle in sorted(promtool_tests.bundles(suites), key=lambda b: -b.cost):  # the costliest first,
        (folder / bundle.tests_file).write_text(to_yaml(bundle.tests))
        least = costs.index(min(costs))  # to the batch with the least work so far
        batches[least].append(bundle)
        costs[least] += bundle.cost
    return [batch for batch in batches if batch]


_PASSED = re.compile(r"^Unit Testing:\s+(\S+)\n\s+SUCCESS$", re.M)


def _alone(ctx: Context, suites: list[promtool_tests.Suite], folder: Path, tmpdir: Path | None = None
           ) -> Iterator[Finding]:  # fmt: skip
    """Each suite's own test file, in at most one promtool process per core, and what failed in it."""
    for suite in suites:
        (folder / suite.tests_file).write_text(to_yaml(suite.tests))
    batches = tools.batches(suites, tools.cores(ctx.sharing))
    run = tools.each(lambda batch: _test_rules([s.tests_file for s in batch], len(batch), folder, tmpdir), batches)
    for batch, result in zip(batches, run, strict=True):
        if result.code == 0:
            continue
        failed = _failures(result.output)
        if None in failed or not failed:  # a failure promtool names no test of (a file it cannot read): run alone
            alone = tools.each(lambda suite: _test_rules([suite.tests_file], 1, folder, tmpdir), batch)
            for suite, result_alone in zip(batch, alone, strict=True):
                yield from _suite_findings(ctx, suite, result_alone)
        else:
            for suite in batch:
                yield from _suite_findings(ctx, suite, result, failed)


def _test_rules(files: list[str], alerts: int, folder: Path, tmpdir: Path | None) -> tools.Result:
    return tools.run("promtool", "test", "rules", *files, cwd=folder, timeout=60 + 2 * alerts, tmpdir=tmpdir)


def _suite_findings(ctx: Context, suite: promtool_tests.Suite, result: tools.Result,
                    failed: dict[str | None, list[str]] | None = None) -> Iterator[Finding]:  # fmt: skip
    """What failed of one alert's cases, from promtool's output for its suite (or a batch that held it)."""
    if result.code == 0:
        return
    failed = _failures(result.output) if failed is None else failed
    alert = suite.alert
    found = False
    for case, group in suite.cases:
        report = "\n".join(_of_case(failed.get(group, []), case, [c for c, g in suite.cases if g == group]))
        if report:
            found = True
            expectation = f"fires at {case.at}" if case.fires else f"stays quiet at {case.at}"
            yield Finding(ctx.where(case), f"alert {alert.name}: case '{case.name}' expected the alert "
                                           f"{expectation}, promtool says:\n{report}")  # fmt: skip
    if not found and not [name for name in failed if name is not None]:
        yield Finding(ctx.where(alert), f"promtool test rules failed:\n{result.output}")


_TIME = re.compile(r"^\s*alertname: .*?, time: (\S+?),", re.M)


def _of_case(reports: list[str], case: cases.Proven, group: list[cases.Proven]) -> list[str]:
    """The failures of a test group that are the case's: those at its `at`, and those at no time of another case
    of the group (an evaluation error of the group is each of its cases')."""
    at = duration_seconds(case.at)
    others = {duration_seconds(c.at) for c in group} - {at}
    return [report for report in reports
            if (time := _TIME.search(report)) is None or duration_seconds(time.group(1)) not in others]  # fmt: skip


def _failures(output: str) -> dict[str | None, list[str]]:
    """promtool's failures, by test group name (None: a failure that names no test, such as an evaluation error),
    one report per failed check."""
    failures: dict[str | None, list[str]] = {}
    blocks = re.split(r"\n\s*FAILED:\n", "\n" + output)[1:]
    for block in blocks:
        for part in re.split(r"\n(?=\s*name: )", block):  # a block holds every failed check of one file
            found = re.match(r"\s*name: (.*?),\n", part)
            if part.strip():
                failures.setdefault(found.group(1) if found else None, []).append(part.strip())
    return failures


def route_tests(ctx: Context) -> Iterator[Finding]:
    """Receivers from amtool; at a stated moment, which of them the time intervals mute."""
    routing = ctx.stack.routing
    results = tools.each(lambda case: targets.route(ctx, case.labels), routing.tests)
    for case, result in zip(routing.tests, results, strict=True):
        expected = ",".join(deployed.receiver_name(ctx.stack, r) for r in case.receivers)
        got = result.output.splitlines()[0] if result.output else "(nothing)"
        if result.code != 0 or got != expected:  # as amtool's --verify.receivers compares them
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
    """An alert is proven only by a case in which it fires and one in which it stays quiet (a stamped alert once:
    its copies share its cases)."""
    for _, alert in ctx.stack.representatives():
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
