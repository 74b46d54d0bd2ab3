"""Prometheus rule files (plain, or a PrometheusRule's spec) → rule groups of alerts and recordings.

An alerting rule becomes an `alert` when futuramon renders it back exactly as it was: `signal op threshold`,
`severity` and `category` labels, `summary` and `description`, the `runbook_url` futuramon derives, and a
`dashboard_url` that opens an imported panel. Any other rule is kept as a `VerbatimRule`, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast

import promql_parser

from futuramon import promql
from futuramon.errors import SpecError
from futuramon.model import Alert, Command, Op, Recording, RuleGroup, Runbook, VerbatimRule
from futuramon.render.text import slug

_COMPARISON = re.compile(
    r"^(?P<signal>.*?\S)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<threshold>[-+]?[0-9.]+(?:e[-+]?\d+)?)$", re.S
)
_RUNBOOK = re.compile(r"^(?P<base>.+)/(?P<name>[^/]+)\.md$")
_DASHBOARD = re.compile(r"^(?P<grafana>.+)/d/(?P<uid>[^/]+)/(?P<slug>[^?]+)\?viewPanel=(?P<id>\d+)$")
PLACEHOLDER = Runbook(
    symptom="TODO: what the on-call person sees.",
    investigation=(Command(say="TODO: the first thing to check."),),
    resolution=("TODO: how to fix it.",),
)


@dataclass
class Panels:
    """The imported dashboards' panels, by dashboard uid and panel id: (dashboard title, panel title, unit)."""

    by_id: dict[tuple[str, int], tuple[str, str, str]] = field(default_factory=dict)


@dataclass
class Found:
    """What the rule files tell about the house conventions."""

    runbook_base: set[str] = field(default_factory=set)
    grafana: set[str] = field(default_factory=set)
    severities: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


@dataclass
class ImportedGroup:
    group: RuleGroup
    why_verbatim: dict[str, str]  # alert name → why it could not be an `alert`


def rule_groups(document: Any) -> list[dict[str, Any]]:
    """The groups of a plain rule file or of a PrometheusRule."""
    if isinstance(document, dict) and document.get("kind") == "PrometheusRule":
        document = document.get("spec") or {}
    if not isinstance(document, dict) or not isinstance(document.get("groups"), list):
        raise SpecError("not a Prometheus rule file: expected `groups:` (or a PrometheusRule with spec.groups)")
    return list(document["groups"])


def import_group(raw: dict[str, Any], panels: Panels, found: Found, recorded: set[str]) -> ImportedGroup:
    """`recorded`: the series the recordings imported so far record (this group's are added)."""
    recordings: list[Recording] = []
    alerts: list[Alert] = []
    verbatim: list[VerbatimRule] = []
    why: dict[str, str] = {}
    ready: list[str] = []
    for rule in raw.get("rules") or []:
        late = _late(str(rule["expr"]), ready, recorded)
        made = late or (_recording(rule) if "record" in rule else _alert(rule, panels, found))
        if isinstance(made, Recording):
            recordings.append(made)
            ready.append(made.record)
        elif isinstance(made, Alert):
            alerts.append(made)
        else:
            why[rule.get("alert") or rule["record"]] = made
            verbatim.append(_verbatim(rule))
    recorded.update(ready)
    group = RuleGroup(name=raw["name"], interval=raw.get("interval"), limit=raw.get("limit"),
                      recordings=tuple(recordings), alerts=tuple(alerts), verbatim=tuple(verbatim))  # fmt: skip
    return ImportedGroup(group, why)


def _late(expr: str, ready: list[str], recorded: set[str]) -> str | None:
    """Why a rule cannot read what it reads: a recorded series its group does not evaluate before it."""
    try:
        names = promql.metric_names(expr)
    except ValueError:
        return "its expression does not parse"
    late = [n for n in names if (":" in n or n in recorded) and n not in ready]
    return f"it reads {', '.join(late)}, which its group does not record before it" if late else None


def _recording(rule: dict[str, Any]) -> Recording:
    return Recording(record=rule["record"], expr=str(rule["expr"]), labels=rule.get("labels") or {})


def _verbatim(rule: dict[str, Any]) -> VerbatimRule:
    return VerbatimRule(alert=rule.get("alert"), record=rule.get("record"), expr=str(rule["expr"]),
                        for_=rule.get("for"), keep_firing_for=rule.get("keep_firing_for"),
                        labels=rule.get("labels") or {}, annotations=rule.get("annotations") or {})  # fmt: skip


def _alert(rule: dict[str, Any], panels: Panels, found: Found) -> Alert | str:
    """The rule as an `alert`, or why it cannot be one."""
    name, expr = rule["alert"], str(rule["expr"])
    labels = dict(rule.get("labels") or {})
    notes = dict(rule.get("annotations") or {})
    compared = _COMPARISON.match(expr.strip())
    if not compared or not _is_comparison(expr):
        return "its expression is not `signal op threshold`"
    signal, op, threshold = compared.group("signal"), cast(Op, compared.group("op")), float(compared.group("threshold"))
    if not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", name):
        return "its name is not a plain identifier"
    missing = [k for k in ("severity", "category") if k not in labels] + [
        k for k in ("summary", "description", "runbook_url", "dashboard_url") if k not in notes
    ]
    if missing or "for" not in rule:
        return f"it has no {', '.join(missing or ['for'])}"
    extra = sorted(set(notes) - {"summary", "description", "runbook_url", "dashboard_url"})
    if extra:
        return f"futuramon derives its annotations, and cannot keep {', '.join(extra)}"
    runbook = _RUNBOOK.match(notes["runbook_url"])
    if not runbook or runbook.group("name") != name:
        return "its runbook_url is not <base>/<alert>.md"
    link = _DASHBOARD.match(notes["dashboard_url"])
    panel = panels.by_id.get((link.group("uid"), int(link.group("id")))) if link else None
    if link is None or panel is None or slug(panel[0]) != link.group("slug"):
        return "its dashboard_url does not open a panel of the imported dashboards"
    severity, category = labels.pop("severity"), labels.pop("category")
    try:
        alert = Alert(name=name, signal=signal, op=op, threshold=threshold, for_=rule["for"],
                      keep_firing_for=rule.get("keep_firing_for"), severity=severity, category=category,
                      summary=notes["summary"], description=notes["description"], runbook=PLACEHOLDER,
                      panel=panel[1], unit=panel[2], labels=labels)  # fmt: skip
    except SpecError as error:
        return f"futuramon refuses it: {error.message}"
    if _same(alert.expr) != _same(expr):
        return f"futuramon would write its expression as {alert.expr!r}"
    found.runbook_base.add(runbook.group("base"))
    found.grafana.add(link.group("grafana"))
    found.severities += [severity] if severity not in found.severities else []
    found.categories += [category] if category not in found.categories else []
    return alert


def _same(expr: str) -> str:
    """An expression with its layout normalised: two that read the same compare equal."""
    return str(promql_parser.parse(expr).prettify())


def _is_comparison(expr: str) -> bool:
    try:
        parsed = promql_parser.parse(expr)
    except ValueError:
        return False
    return isinstance(parsed, promql_parser.BinaryExpr) and str(parsed.op) in (">", "<", ">=", "<=", "==", "!=")
