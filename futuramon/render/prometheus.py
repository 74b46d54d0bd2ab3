"""Prometheus rule groups, as the data `promtool check rules` and Prometheus read."""

from __future__ import annotations

from typing import Any

from futuramon.model import Alert, Recording, RuleGroup, Stack, VerbatimRule
from futuramon.render.text import alert_annotations, alert_labels
from futuramon.render.yamltext import HEADER, stamped, to_yaml


def rule_groups(stack: Stack) -> dict[str, Any]:
    """Every group Prometheus evaluates as data (a stamped group once per parameter set)."""
    return {"groups": [_group(stack, group, group.recordings, group.alerts, group.verbatim) for group in stack.groups]}


def group_texts(stack: Stack) -> list[str]:
    """Every group Prometheus evaluates as YAML text, each the item it is in a rule file's `groups:` list. A
    stamped group is written once, as its template, and filled in per parameter set."""
    texts: list[str] = []
    for group in stack.rule_groups:
        template = group.stamp() if group.for_each else group
        data = {"groups": [_group(stack, template, template.recordings, template.alerts, template.verbatim)]}
        written = stamped(data, group.for_each) if group.for_each else [to_yaml(data, header=False)]
        texts.extend(text.removeprefix("groups:\n") for text in written)
    return texts


def rule_file(texts: list[str]) -> str:
    """A rule file of groups already written (`group_texts`): the same text as writing them together."""
    return HEADER + "groups:\n" + "".join(texts) if texts else to_yaml({"groups": []})


def rule_alone(stack: Stack, group: RuleGroup, alert: Alert) -> dict[str, Any]:
    """One alert's rule and the recordings it reads, in its own group (same name and interval), as a rule
    file of its own."""
    return {"groups": [_group(stack, group, tuple(stack.recordings_read_by(alert.signal)), (alert,))]}


def group_of(stack: Stack, alert: Alert) -> RuleGroup:
    """The group that holds this very alert (by identity: comparing models field by field is slow)."""
    return next(g for g in stack.groups if any(a is alert for a in g.alerts))


def _group(
    stack: Stack,
    group: RuleGroup,
    recordings: tuple[Recording, ...],
    alerts: tuple[Alert, ...],
    verbatim: tuple[VerbatimRule, ...] = (),
) -> dict[str, Any]:
    rendered: dict[str, Any] = {"name": group.name}
    if group.interval:
        rendered["interval"] = group.interval
    if group.limit:
        rendered["limit"] = group.limit
    rendered["rules"] = [
        *[_recording(recording) for recording in recordings],
        *[_alert(stack, alert) for alert in alerts],
        *[_verbatim(alert) for alert in verbatim],
    ]
    return rendered


def _verbatim(rule: VerbatimRule) -> dict[str, Any]:
    rendered: dict[str, Any] = {"alert": rule.alert} if rule.alert else {"record": rule.record}
    rendered["expr"] = rule.expr
    for key, value in (("for", rule.for_), ("keep_firing_for", rule.keep_firing_for),
                       ("labels", rule.labels), ("annotations", rule.annotations)):  # fmt: skip
        if value:
            rendered[key] = dict(value) if isinstance(value, dict) else value
    return rendered


def _recording(recording: Recording) -> dict[str, Any]:
    rendered: dict[str, Any] = {"record": recording.record, "expr": recording.expr}
    if recording.labels:
        rendered["labels"] = dict(recording.labels)
    return rendered


def _alert(stack: Stack, alert: Alert) -> dict[str, Any]:
    rendered: dict[str, Any] = {"alert": alert.name, "expr": alert.expr, "for": alert.for_}
    if alert.keep_firing_for:
        rendered["keep_firing_for"] = alert.keep_firing_for
    rendered["labels"] = alert_labels(alert)
    rendered["annotations"] = alert_annotations(stack, alert)
    return rendered
