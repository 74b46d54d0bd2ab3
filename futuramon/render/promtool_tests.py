"""promtool unit-test files generated from the test cases declared on each alert.

Each alert's cases run against its rendered rule with `summary` and `description` left out:
those hold `{{ $value }}` text that promtool would have to match to the last digit.
Labels, `runbook_url` and `dashboard_url` are checked exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import promql_parser

from futuramon import cases, promql
from futuramon.cases import Proven
from futuramon.model import Alert, AlertCase, RuleGroup, Stack, duration_seconds
from futuramon.render import prometheus
from futuramon.render.text import alert_annotations, alert_labels

CHECKED_ANNOTATIONS = ("runbook_url", "dashboard_url")
TIMELINE_STEPS = 1440


@dataclass(frozen=True)
class Suite:
    """One alert's rule (alone, so promtool evaluates nothing else) and its test cases, as promtool files; each
    case with the name of the test group that runs it (cases on the same series share one, at their own times)."""

    alert: Alert
    rules: dict[str, Any]
    tests: dict[str, Any]
    cases: tuple[tuple[Proven, str], ...]

    @property
    def rules_file(self) -> str:
        return _rules_file(self.alert)

    @property
    def tests_file(self) -> str:
        return f"{self.alert.name}.tests.yaml"


def suites(stack: Stack) -> list[Suite]:
    """A suite per declared alert with cases: a stamped alert's run against its first copy."""
    return [_suite(stack, group, alert, cases.expanded(stack, alert))
            for group, alert in stack.representatives() if alert.tests]  # fmt: skip


def timeline(stack: Stack, alert: Alert, case: Proven) -> Suite:
    """One case, expected quiet at every minute up to its `at`, with the rule's full annotations: every minute
    at which the alert fires is reported as failing, with the labels and expanded annotations promtool got."""
    minutes = int(duration_seconds(case.at) // 60)
    step = -(-minutes // TIMELINE_STEPS) or 1  # one evaluation per minute, at most TIMELINE_STEPS of them
    times = sorted({*range(0, minutes + 1, step), minutes})
    test = _case(stack, alert, case, [f"{minute}m" for minute in times], expect_firing=False)
    rules = prometheus.rule_alone(stack, prometheus.group_of(stack, alert), alert)
    return Suite(alert, rules, _tests(alert, [test]), ((case, test["name"]),))


def case_name(alert: Alert, case: AlertCase) -> str:
    return f"{alert.name}: {case.name}"


def _rules_file(alert: Alert) -> str:
    return f"{alert.name}.rules.yaml"


def _suite(stack: Stack, group: RuleGroup, alert: Alert, proven: tuple[Proven, ...]) -> Suite:
    rules = prometheus.rule_alone(stack, group, alert)
    for rule in rules["groups"][0]["rules"]:
        if "alert" in rule:
            rule["annotations"] = {k: v for k, v in rule["annotations"].items() if k in CHECKED_ANNOTATIONS}
    tests, placed = [], []
    for together in _on_the_same_series(proven):
        written = [_case(stack, alert, case) for case in together]
        test = written[0]
        if len(together) > 1:  # a firing case and its "before" case: one storage, an evaluation at each `at`
            test["name"] = f"{alert.name}: {' + '.join(case.name for case in together)}"
            test["alert_rule_test"] = [check for each in written for check in each["alert_rule_test"]]
        tests.append(test)
        placed += [(case, test["name"]) for case in together]
    return Suite(alert, rules, _tests(alert, tests), tuple(placed))


def _on_the_same_series(proven: tuple[Proven, ...]) -> list[list[Proven]]:
    """The cases, those with the same input series (and a different `at`) together, in their order."""
    together: list[list[Proven]] = []
    for case in proven:
        same = next((cases for cases in together if _written(cases[0]) == _written(case)
                     and all(duration_seconds(c.at) != duration_seconds(case.at) for c in cases)), None)  # fmt: skip
        if same is None:
            together.append([case])
        else:
            same.append(case)
    return together


def _written(case: Proven) -> list[tuple[str, str]]:
    return [(series.selector, series.values) for series in case.series]


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


BUNDLE_ALERTS = 50  # alerts per bundle: each of its test groups evaluates all their rules


@dataclass(frozen=True)
class Bundle:
    """Several alerts' suites as one promtool test file that loads all their rule files, whose test groups
    each hold at most one case per alert. Cases share a group only when no rule of one can select a series
    of another (nor are two series the same), and an alert joins a bundle only if none of its rules can
    select a series another alert's rules write (ALERTS, recordings): so each alert is evaluated on exactly
    the series it sees in its own suite, and the bundle passes only if each of its suites passes alone."""

    name: str
    suites: tuple[Suite, ...]
    tests: dict[str, Any]

    @property
    def tests_file(self) -> str:
        return f"{self.name}.tests.yaml"

    @property
    def cost(self) -> float:
        """promtool's work, roughly: each group evaluates every rule of the bundle once a minute up to its latest
        eval_time, after setting up a storage (about as long as 60 rule evaluations)."""
        rules = len(self.suites)
        return sum((_length(test)[0] / 60 + 1) * rules + GROUP_SETUP for test in self.tests["tests"])


GROUP_SETUP = 60


def bundles(suites: list[Suite], size: int = BUNDLE_ALERTS) -> list[Bundle]:
    """The suites packed into bundles of at most `size` alerts whose cases run for the same evaluation times
    (every group of a bundle evaluates all its rules, up to its longest case: alike cases fill it evenly)."""
    alike: dict[tuple[tuple[float, str], ...], list[Suite]] = {}
    for suite in suites:
        alike.setdefault(tuple(sorted(_length(test) for test in suite.tests["tests"])), []).append(suite)
    packed: list[Bundle] = []
    for similar in alike.values():
        members: list[tuple[Suite, _Reads]] = []
        readers, written = _Selectors(), set[str]()
        for suite in similar:
            reads = _Reads.of(suite)
            # an alert whose rules may read what another's write (or the other way round) goes elsewhere
            dependent = any(readers.select({"__name__": name}, by_name_only=True) for name in reads.writes) or any(
                reads.selectors.select({"__name__": name}, by_name_only=True) for name in written
            )
            if members and (len(members) == size or dependent):
                packed.append(_bundle(len(packed), members))
                members, readers, written = [], _Selectors(), set()
            members.append((suite, reads))
            readers.add(reads.selectors)
            written |= reads.writes
        packed.append(_bundle(len(packed), members))
    return packed


def _length(test: dict[str, Any]) -> tuple[float, str]:
    """How long promtool evaluates a test group (its latest eval_time), and at what input interval."""
    return max(duration_seconds(check["eval_time"]) for check in test["alert_rule_test"]), test["interval"]


def _bundle(index: int, members: list[tuple[Suite, _Reads]]) -> Bundle:
    groups: list[_Group] = []
    for suite, reads in members:
        taken: set[int] = set()  # the groups holding a case of this alert already: each evaluates it once
        for test in suite.tests["tests"]:
            series = _series_labels(test)
            number = next((n for n, group in enumerate(groups) if n not in taken and group.admits(reads, test, series)),
                          len(groups))  # first fit  # fmt: skip
            if number == len(groups):
                groups.append(_Group(_length(test)))
            groups[number].add(reads, test, series)
            taken.add(number)
    name = f"bundle-{index}"
    tests = [group.test(f"{name} #{number}") for number, group in enumerate(groups, start=1)]
    rule_files = [suite.rules_file for suite, _ in members]
    return Bundle(name, tuple(s for s, _ in members), {"rule_files": rule_files, "evaluation_interval": "1m",
                                                       "tests": tests})  # fmt: skip


ALERT_SERIES = frozenset({"ALERTS", "ALERTS_FOR_STATE"})  # what every alerting rule writes, besides recordings


class _Selectors:
    """Series selectors, indexed by the metric name they name (those that name none apart)."""

    def __init__(self, selectors: Iterable[_Selector] = ()) -> None:
        self.named: dict[str, list[_Selector]] = {}
        self.nameless: list[_Selector] = []
        for selector in selectors:
            if selector.name:
                self.named.setdefault(selector.name, []).append(selector)
            else:
                self.nameless.append(selector)

    def add(self, other: _Selectors) -> None:
        for name, selectors in other.named.items():
            self.named.setdefault(name, []).extend(selectors)
        self.nameless.extend(other.nameless)

    def select(self, labels: dict[str, str], by_name_only: bool = False) -> bool:
        """Whether one of them can select a series with these labels (only by its name, with `by_name_only`)."""
        candidates = [*self.named.get(labels["__name__"], ()), *self.nameless]
        return any(_may_select(selector, labels, by_name_only) for selector in candidates)

    def select_any(self, series: dict[str, list[dict[str, str]]]) -> bool:
        """Whether one of them can select one of these series (by metric name)."""
        named = ((selector, labels) for name, selectors in self.named.items() for selector in selectors
                 for labels in series.get(name, ()))  # fmt: skip
        nameless = ((selector, labels) for selector in self.nameless for same in series.values() for labels in same)
        return any(_may_select(selector, labels) for selector, labels in [*named, *nameless])


@dataclass(frozen=True)
class _Reads:
    """The selectors of every rule in a suite's rule file, and the names of the series those rules write."""

    selectors: _Selectors
    writes: frozenset[str]

    @staticmethod
    def of(suite: Suite) -> _Reads:
        rules = [rule for group in suite.rules["groups"] for rule in group["rules"]]
        selectors = _Selectors(_Selector.of(node) for rule in rules for node in promql.nodes(rule["expr"])
                               if isinstance(node, promql_parser.VectorSelector))  # fmt: skip
        return _Reads(selectors, ALERT_SERIES | {rule["record"] for rule in rules if "record" in rule})


@dataclass(frozen=True)
class _Selector:
    """What a vector selector asks of a series' labels: its name, `=` and `!=` matchers (a regular expression
    counts as matching anything; an `or` of matchers, `any`, as selecting every series)."""

    name: str
    equal: tuple[tuple[str, str], ...]
    unequal: tuple[tuple[str, str], ...]
    any: bool

    @staticmethod
    def of(node: Any) -> _Selector:
        matchers = node.matchers.matchers
        equal = tuple((m.name, m.value) for m in matchers if m.op == promql_parser.MatchOp.Equal)
        unequal = tuple((m.name, m.value) for m in matchers if m.op == promql_parser.MatchOp.NotEqual)
        return _Selector(node.name or "", equal, unequal, bool(node.matchers.or_matchers))


def _may_select(selector: _Selector, labels: dict[str, str], by_name_only: bool = False) -> bool:
    """Whether a selector can select a series with these labels (or with this name, when `by_name_only`)."""
    if selector.any:
        return True
    if selector.name and selector.name != labels["__name__"]:
        return False
    equal = all(labels.get(k, "") == v for k, v in selector.equal if not by_name_only or k == "__name__")
    return equal and all(labels.get(k, "") != v for k, v in selector.unequal if not by_name_only or k == "__name__")


class _Group:
    """One test group of a bundle: cases of different alerts, none of whose series another's rules select."""

    def __init__(self, length: tuple[float, str]) -> None:
        self.length = length
        self.tests: list[dict[str, Any]] = []
        self.readers = _Selectors()
        self.series: dict[str, list[dict[str, str]]] = {}  # by metric name
        self.alone = False  # it holds a case whose series cannot be read here: nothing joins it

    def admits(self, reads: _Reads, test: dict[str, Any], series: list[dict[str, str]] | None) -> bool:
        if self.alone or series is None or _length(test) != self.length:
            return False
        return not (
            any(labels in self.series.get(labels["__name__"], ()) for labels in series)  # the same series twice
            or reads.selectors.select_any(self.series)
            or any(self.readers.select(labels) for labels in series)
        )

    def add(self, reads: _Reads, test: dict[str, Any], series: list[dict[str, str]] | None) -> None:
        self.tests.append(test)
        self.readers.add(reads.selectors)
        for labels in series or []:
            self.series.setdefault(labels["__name__"], []).append(labels)
        self.alone = self.alone or series is None

    def test(self, name: str) -> dict[str, Any]:
        if len(self.tests) == 1:
            return self.tests[0]
        return {
            "name": name,
            "interval": self.length[1],
            "input_series": [series for test in self.tests for series in test["input_series"]],
            "alert_rule_test": [check for test in self.tests for check in test["alert_rule_test"]],
        }


def _series_labels(test: dict[str, Any]) -> list[dict[str, str]] | None:
    """The label sets of a test's input series; None when one is not a plain `name{label="value", ...}`."""
    found = []
    for series in test["input_series"]:
        try:
            node = promql.parse(series["series"])
        except ValueError:
            return None
        if not isinstance(node, promql_parser.VectorSelector) or node.matchers.or_matchers:
            return None
        if any(matcher.op != promql_parser.MatchOp.Equal for matcher in node.matchers.matchers):
            return None
        found.append({"__name__": node.name or "", **{m.name: m.value for m in node.matchers.matchers}})
    return found
