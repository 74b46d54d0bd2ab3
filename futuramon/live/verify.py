"""`futuramon verify`: the specs against the metrics a live Prometheus really has.

Every finding names the spec file and line of the alert, panel, metric or routing rule it is about.
"""

from __future__ import annotations

import difflib
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import promql_parser
from prometheus_client.parser import text_string_to_metric_families

from futuramon import promql
from futuramon.checks import lint_alerts
from futuramon.checks.base import Problem, Severity, spec_location
from futuramon.checks.labels import can_match, static_labels
from futuramon.live.api import Prometheus, QueryError, iso
from futuramon.model import Alert, Model, Stack, matcher_parts

CHECKS = ("live-metrics", "live-labels", "live-types", "live-windows", "live-unused")
EXPOSITION_CHECK = "exposition"
SCRAPES_PER_WINDOW = 4  # a range shorter than 4 scrape intervals holds too few samples for rate()
_TEMPLATE_LABEL = re.compile(r"\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)")


@dataclass(frozen=True)
class Expression:
    subject: Model  # the alert, recording, panel or dashboard that declares it
    label: str  # "alert HighErrorRate", "panel 'Active Tickets'"
    expr: str


def expressions(stack: Stack) -> list[Expression]:
    return [Expression(*found) for found in lint_alerts.expressions(stack)]


class Verify:
    """What the query API knows between `at - window` and `at`, asked once per question."""

    def __init__(self, prometheus: Prometheus, stack: Stack, specs: Path, at: float, window: float) -> None:
        self.prometheus, self.stack, self.specs = prometheus, stack, specs
        self.start, self.at = at - window, at
        self.names = set(prometheus.metric_names(self.start, at))
        if not self.names:
            raise QueryError(f"{prometheus.url} has no series at all between {iso(self.start)} and {iso(at)}: "
                             "check --prometheus, --at and --window")  # fmt: skip
        self._labels: dict[str, frozenset[str]] = {}
        self.problems: list[Problem] = []

    def carried(self, metric: str) -> frozenset[str]:
        if metric not in self._labels:
            found = self.prometheus.label_names(metric, self.start, self.at) if metric in self.names else []
            self._labels[metric] = frozenset(found)
        return self._labels[metric]

    def report(self, subject: Model, severity: Severity, message: str, check: str) -> None:
        path, line = spec_location(subject, self.specs)
        self.problems.append(Problem(path, line, severity, message, check))

    # --- the checks ------------------------------------------------------------------

    def missing_metrics(self) -> None:
        recorded = {r.record for r in self.stack.recordings}
        for e in expressions(self.stack):
            for name in dict.fromkeys(promql.metric_names(e.expr)):
                if name not in self.names:
                    close = difflib.get_close_matches(name, sorted(self.names), n=1, cutoff=0.8)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    if name in recorded:
                        hint = " (it is a recording of the specs: is its rule loaded into this Prometheus?)"
                    self.report(e.subject, "error", f"{e.label} reads {name!r}, which has no series{hint}",
                                "live-metrics")  # fmt: skip

    def labels(self) -> None:
        for e in expressions(self.stack):
            names = promql.metric_names(e.expr)
            if not all(n in self.names for n in names):
                continue  # reported as missing already
            for node in promql.nodes(e.expr):
                self._grouping(e, node)
                self._matchers(e, node)
        for alert in self.stack.alerts:
            if all(n in self.names for n in promql.metric_names(alert.expr)):
                self._templates(alert)
        self._routing()

    def _grouping(self, e: Expression, node: Any) -> None:
        by = promql.grouping_labels(node)
        if not by:
            return
        below = promql.selector_names(node)
        have = frozenset().union(*(self.carried(n) for n in below))
        for label in by:
            if label not in have:
                self.report(e.subject, "error", f"{e.label} groups by {label!r}, which the series of "
                            f"{', '.join(sorted(set(below)))} do not carry", "live-labels")  # fmt: skip

    def _matchers(self, e: Expression, node: Any) -> None:
        if not isinstance(node, promql_parser.VectorSelector) or not node.name:
            return
        for matcher in node.matchers.matchers:
            if matcher.name in self.carried(node.name) or re.fullmatch(matcher.value, "") is not None:
                continue  # a matcher that accepts "" also accepts a missing label
            if str(matcher.op) in ("MatchOp.Equal", "MatchOp.Re", "="):
                self.report(e.subject, "error", f"{e.label} selects {matcher.name}={matcher.value!r} on "
                            f"{node.name}, whose series do not carry {matcher.name!r}: it selects nothing",
                            "live-labels")  # fmt: skip

    def result(self, alert: Alert) -> frozenset[str]:
        """The labels an alert carries when it fires: what its expression keeps of the labels the series
        really carry, and the rule's own."""
        catalog = {name: tuple(self.carried(name) - {"__name__"}) for name in promql.metric_names(alert.expr)}
        return (promql.output_labels(alert.expr, catalog) or frozenset()) | set(static_labels(alert))

    def _templates(self, alert: Alert) -> None:
        carried = self.result(alert)
        for field, text in (("summary", alert.summary), ("description", alert.description)):
            for label in dict.fromkeys(_TEMPLATE_LABEL.findall(text)):
                if label not in carried:
                    self.report(alert, "error", f"alert {alert.name}: its {field} shows $labels.{label}, which it "
                                f"does not carry (it carries {', '.join(sorted(carried))})", "live-labels")  # fmt: skip

    def _routing(self) -> None:
        alerts = [a for a in self.stack.alerts if all(n in self.names for n in promql.metric_names(a.expr))]
        results = {a.name: self.result(a) for a in alerts}
        for rule in self.stack.routing.inhibit:
            for label in rule.equal:
                lacking = [a for a in alerts if label not in results[a.name]]
                sources = [a.name for a in lacking if can_match(rule.source, a, results[a.name])]
                targets = [a.name for a in lacking if can_match(rule.target, a, results[a.name])]
                if sources and targets:  # a label missing on both sides counts as equal
                    message = (
                        f"inhibit rule {rule.describe()} compares {label!r}, which sources {', '.join(sources)} and "
                        f"targets {', '.join(targets)} do not carry: a label missing on both sides counts as equal, "
                        f"so those sources mute those targets whatever their {label}"
                    )
                    self.report(rule, "warning", message, "live-labels")
        everything = frozenset().union(*results.values())
        for number, path in self.stack.routing.numbered():
            for label in dict.fromkeys(matcher_parts(m)[0] for m in path[-1].matchers):
                if label not in everything:
                    message = f"route {number} matches on {label!r}, which no alert carries"
                    self.report(path[-1], "warning", message, "live-labels")

    def types(self) -> None:
        declared = self.prometheus.metadata()
        uses = _counter_uses(self.stack)
        for metric in self.stack.metrics:
            kind = declared.get(metric.name, "unknown")
            if kind in ("unknown", "untyped", "") or kind == metric.type:
                continue
            applied = "".join(f"; {label} applies {fn}() to it" for label, fn in uses.get(metric.name, []))
            self.report(metric, "error", f"metric {metric.name}: the catalog says {metric.type}, its exporters "
                        f"declare {kind}{applied if kind != 'counter' else ''}", "live-types")  # fmt: skip

    def windows(self) -> None:
        intervals: dict[str, float | None] = {}
        for e in expressions(self.stack):
            for node in promql.nodes(e.expr):
                if not isinstance(node, promql_parser.MatrixSelector) or node.vector_selector.name not in self.names:
                    continue
                name = node.vector_selector.name
                if name not in intervals:
                    intervals[name] = self._scrape_interval(name)
                interval, window = intervals[name], node.range.total_seconds()
                if interval is not None and window < SCRAPES_PER_WINDOW * interval:
                    self.report(e.subject, "warning", f"{e.label}: [{_seconds(window)}] over {name} holds fewer "
                                f"than {SCRAPES_PER_WINDOW} samples (scraped every {_seconds(interval)}); use at "
                                f"least [{_seconds(SCRAPES_PER_WINDOW * interval)}]", "live-windows")  # fmt: skip

    def _scrape_interval(self, name: str) -> float | None:
        """The typical time between samples of a metric in the hour before the last (median over its series;
        the difference of two counts, so that samples on the edges of the windows count once)."""
        selector = f'{{__name__="{name}"}}'
        found = self.prometheus.query(
            f"quantile(0.5, count_over_time({selector}[2h]) - count_over_time({selector}[1h]))", self.at
        )
        count = found[0].points[0][1] if found else 0.0
        return 3600 / count if count >= 2 else None

    def unused(self) -> None:
        read = {n for e in expressions(self.stack) for n in promql.metric_names(e.expr)}
        for metric in self.stack.metrics:
            series = set(metric.series())
            if not series & read and series & self.names:
                message = f"metric {metric.name} has series, but no alert, recording or panel reads it"
                self.report(metric, "info", message, "live-unused")

    def exposition(self, text: str, source: str) -> None:
        """An application's /metrics against the catalog: names, types and labels."""
        try:
            families = list(text_string_to_metric_families(text))
        except ValueError as error:
            raise QueryError(f"{source} is not a Prometheus exposition: {error}") from None
        kinds = {s.name: f.type for f in families for s in f.samples}
        labels: dict[str, set[str]] = {}
        for family in families:
            for sample in family.samples:
                labels.setdefault(sample.name, set()).update(sample.labels)
        for metric in self.stack.metrics:
            series = [s for s in metric.series() if s in kinds]
            if not series:
                if not metric.source:  # the application's own metrics; exporters' are elsewhere
                    close = difflib.get_close_matches(metric.name, sorted(kinds), n=1, cutoff=0.8)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    self.report(metric, "error", f"{source} does not expose {metric.name}{hint}", EXPOSITION_CHECK)
                continue
            kind = kinds[series[0]]
            if kind not in ("unknown", metric.type):
                self.report(metric, "error", f"{source} exposes {metric.name} as a {kind}, the catalog says "
                            f"{metric.type}", EXPOSITION_CHECK)  # fmt: skip
            have = set().union(*(labels[s] for s in series))
            lacking = [label for label in metric.labels if label not in have]
            if lacking:
                self.report(metric, "error", f"{source} exposes {metric.name} without the label(s) "
                            f"{', '.join(lacking)} the catalog declares", EXPOSITION_CHECK)  # fmt: skip


def verify(prometheus: Prometheus, stack: Stack, specs: Path, at: float, window: float,
           metrics: str | None = None) -> tuple[list[Problem], int]:  # fmt: skip
    """Every finding, sorted by file and line, and how many checks ran."""
    run = Verify(prometheus, stack, specs, at, window)
    run.missing_metrics()
    run.labels()
    run.types()
    run.windows()
    run.unused()
    checks = len(CHECKS)
    if metrics is not None:
        run.exposition(read_exposition(metrics), metrics)
        checks += 1
    return sorted(run.problems, key=lambda p: (p.path, p.line, p.message)), checks


def read_exposition(source: str) -> str:
    """The text of an application's /metrics, from its URL or a file."""
    if re.match(r"^https?://", source):
        try:
            with urllib.request.urlopen(source, timeout=30) as response:
                return str(response.read().decode("utf-8", errors="replace"))
        except OSError as error:
            raise QueryError(f"cannot read the metrics endpoint {source}: {getattr(error, 'reason', error)}") from None
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise QueryError(f"cannot read the metrics file {source!r}: {error.strerror}") from None


def _counter_uses(stack: Stack) -> dict[str, list[tuple[str, str]]]:
    uses: dict[str, list[tuple[str, str]]] = {}
    for e in expressions(stack):
        for call in promql.calls(e.expr):
            if call.function in lint_alerts.COUNTER_FUNCTIONS:
                for name in promql.selector_names(call.args[0]):
                    uses.setdefault(name, []).append((e.label, call.function))
    return uses


def _seconds(value: float) -> str:
    minutes, seconds = divmod(int(value), 60)
    return f"{minutes}m{seconds}s" if minutes and seconds else f"{minutes}m" if minutes else f"{seconds}s"
