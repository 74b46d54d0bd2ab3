"""Default mode: promtool proves when the alert fires and what it says; Alertmanager does the rest.

The alert is posted with the labels and annotations promtool got at the first minute it fires (Prometheus'
own template expansion, with the real value), so the messages are the ones Prometheus would cause.
"""

from __future__ import annotations

from pathlib import Path

from futuramon.drill import client
from futuramon.drill.capture import Capture
from futuramon.drill.proof import firing_case, prove
from futuramon.drill.result import Drill
from futuramon.drill.servers import Server
from futuramon.model import Alert, Stack, matches
from futuramon.render.text import alert_labels


def simulated(stack: Stack, alert: Alert, folder: Path, routes: Path, capture: Capture, am: Server) -> Drill:
    case = firing_case(stack, alert)
    proof = prove(stack, alert, case, folder / alert.name)
    if proof.problem:
        return Drill(alert.name, "simulated", problems=[proof.problem])
    labels = proof.labels
    expected = client.expected_receivers(routes, labels)
    result = Drill(alert.name, "simulated", labels, expected,
                   f"{proof.fired_at} (simulated, promtool; for: {alert.for_})")  # fmt: skip
    name, count = labels["alertname"], client.message_count(stack, expected)
    since = capture.count()
    client.post(am, labels, proof.annotations)
    result.fired = client.messages(capture, since, count, name)
    targets = _inhibition_targets(stack, alert, labels)
    for target in targets.values():
        client.post(am, target, {})
    expected_muted = sorted(t for t, target in targets.items()
                            if any(rule.inhibits(labels, target) for rule in stack.routing.inhibit))  # fmt: skip
    result.inhibits = client.inhibited(am, sorted(targets), expected_muted)
    if result.inhibits != expected_muted:
        result.problems.append(f"Alertmanager inhibited {', '.join(result.inhibits) or 'nothing'}; futuramon's "
                               f"model of the inhibit rules says {', '.join(expected_muted) or 'nothing'}")  # fmt: skip
    since = capture.count()
    for target in targets.values():
        client.post(am, target, {}, resolved=True)
    client.post(am, labels, proof.annotations, resolved=True)
    result.resolved = client.messages(capture, since, count, name)
    return result


def firing_labels(stack: Stack, alert: Alert) -> dict[str, str]:
    """The labels an alert fires with in its firing case, as the case declares them."""
    return {"alertname": alert.name, **firing_case(stack, alert).labels, **alert_labels(alert)}


def _inhibition_targets(stack: Stack, alert: Alert, source: dict[str, str]) -> dict[str, dict[str, str]]:
    """Other alerts an inhibit rule could mute while this one fires, with the `equal` labels it shares."""
    targets = {}
    for rule in stack.routing.inhibit:
        if not all(matches(m, source) for m in rule.source):
            continue
        for other in stack.alerts:
            if other.name == alert.name or not any(c.fires for c in other.tests):
                continue
            labels = firing_labels(stack, other)
            labels.update({k: source[k] for k in rule.equal if k in source and k in labels})
            if all(matches(m, labels) for m in rule.target):
                targets[other.name] = labels
    return targets
