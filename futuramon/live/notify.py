"""How many notifications Alertmanager would have sent for a history of firing alerts.

A replay of Alertmanager 0.28's dispatcher, in simulated time: every route an alert matches puts it in an
aggregation group (route and group_by values). A new group is flushed `group_wait` after its first alert
arrives, then every `group_interval`. At each flush, inhibited alerts are left out (a firing source alert
matching the rule with the same `equal` labels, not the alert itself); when all are, nothing happens.
Otherwise a receiver's integration is notified when (notify/notify.go, DedupStage.needsUpdate):
  - it has never been notified for this group and something fires;
  - an alert fires that was not firing in its last notification;
  - nothing fires any more but its last notification had firing alerts (the "resolved" message; sent only
    when the integration has send_resolved);
  - send_resolved is on and an alert resolved that its last notification did not list as resolved;
  - or more than `repeat_interval` has passed since its last notification.
After each flush the group forgets its resolved alerts, and a group left empty is removed, so the next
alert for it waits `group_wait` again. Alertmanager keeps the last notification per group for 5 days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from futuramon.model import Integration, Routing, Slack, Stack, duration_seconds, matches

NFLOG_RETENTION = 120 * 3600.0  # Alertmanager's --data.retention default


@dataclass(frozen=True)
class Firing:
    """One alert (its full label set, alertname included) firing from `start` until `end`."""

    labels: tuple[tuple[str, str], ...]
    start: float
    end: float | None  # None: still firing when the range ends

    def firing_at(self, t: float) -> bool:
        return self.start <= t and (self.end is None or t < self.end)


@dataclass(frozen=True)
class Sent:
    receiver: str
    integration: str  # "slack #channel", "discord", "pagerduty", ...
    at: float
    firing: tuple[tuple[tuple[str, str], ...], ...]  # label sets of the firing alerts it lists
    resolved: tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True)
class _Route:
    key: str
    receiver: str
    repeat: float


@dataclass
class _Log:
    """Alertmanager's notification log entry of one integration for one group."""

    firing: frozenset[tuple[tuple[str, str], ...]]
    resolved: frozenset[tuple[tuple[str, str], ...]]
    at: float


@dataclass
class _Group:
    route: _Route
    alerts: set[tuple[tuple[str, str], ...]] = field(default_factory=set)


def routes_for(routing: Routing, labels: dict[str, str]) -> list[_Route]:
    """The routes an alert lands on, as Alertmanager walks the tree (first match, or on with `continue`)."""
    root_repeat = duration_seconds(routing.repeat_interval)
    reached = []
    for index, route in enumerate(routing.routes, start=1):
        if all(matches(m, labels) for m in route.matchers):
            repeat = duration_seconds(route.repeat_interval) if route.repeat_interval else root_repeat
            reached.append(_Route(f"route #{index}", route.receiver, repeat))
            if not route.continue_:
                break
    return reached or [_Route("root", routing.receiver, root_repeat)]


def notifications(stack: Stack, alerts: list[Firing], until: float) -> list[Sent]:
    """Every message Alertmanager would have sent up to `until`, in time order."""
    routing = stack.routing
    wait, interval = duration_seconds(routing.group_wait), duration_seconds(routing.group_interval)
    groups: dict[tuple[str, tuple[str, ...]], list[Firing]] = defaultdict(list)
    routes: dict[tuple[str, tuple[str, ...]], _Route] = {}
    for alert in alerts:
        labels = dict(alert.labels)
        for route in routes_for(routing, labels):
            key = (route.key, tuple(labels.get(name, "") for name in routing.group_by))
            groups[key].append(alert)
            routes[key] = route
    muted = _Inhibitions(stack, alerts)
    sent: list[Sent] = []
    for key, members in groups.items():
        sent.extend(_replay(stack, routes[key], members, muted, wait, interval, until))
    return sorted(sent, key=lambda s: (s.at, s.receiver, s.integration))


class _Inhibitions:
    def __init__(self, stack: Stack, alerts: list[Firing]) -> None:
        self.rules = [
            (rule, [a for a in alerts if all(matches(m, dict(a.labels)) for m in rule.source)])
            for rule in stack.routing.inhibit
        ]  # each rule with the alerts that may be its sources

    def muted(self, labels: tuple[tuple[str, str], ...], t: float) -> bool:
        target = dict(labels)
        return any(
            source.labels != labels and source.firing_at(t) and rule.inhibits(dict(source.labels), target)
            for rule, sources in self.rules
            for source in sources
        )


def _replay(stack: Stack, route: _Route, members: list[Firing], muted: _Inhibitions, wait: float,
            interval: float, until: float) -> list[Sent]:  # fmt: skip
    receiver = next(r for r in stack.receivers if r.name == route.receiver)
    integrations = [(_integration_name(receiver.integrations, i), i.send_resolved) for i in receiver.integrations]
    arrivals = sorted(members, key=lambda a: a.start)
    logs: dict[str, _Log] = {}
    sent: list[Sent] = []
    group: _Group | None = None
    flush = 0.0
    next_arrival = 0
    while True:
        if group is None:
            if next_arrival >= len(arrivals) or arrivals[next_arrival].start > until:
                return sent
            group = _Group(route)
            flush = arrivals[next_arrival].start + wait
        else:
            flush += interval
        if flush > until:
            return sent
        while next_arrival < len(arrivals) and arrivals[next_arrival].start <= flush:
            group.alerts.add(arrivals[next_arrival].labels)
            next_arrival += 1
        state = {labels: _latest(members, labels, flush) for labels in group.alerts}
        resolved_all = {labels for labels, alert in state.items() if not alert.firing_at(flush)}
        visible = {labels for labels in group.alerts if not muted.muted(labels, flush)}
        firing = frozenset(visible - resolved_all)
        resolved = frozenset(visible & resolved_all)
        for name, send_resolved in integrations if visible else []:  # all muted: the pipeline stops
            log = logs.get(name)
            if log is not None and flush - log.at > NFLOG_RETENTION:
                log = None
            if not _needs_update(log, firing, resolved, send_resolved, route.repeat, flush):
                continue
            logs[name] = _Log(firing, resolved, flush)
            if firing or send_resolved:
                sent.append(Sent(route.receiver, name, flush, tuple(sorted(firing)),
                                 tuple(sorted(resolved)) if send_resolved else ()))  # fmt: skip
        group.alerts -= resolved_all
        if not group.alerts:
            group = None


def _integration_name(integrations: list[Integration], integration: Integration) -> str:
    """`slack #alerts-critical`, `discord`, `email 2` (the second of its kind)."""
    kind = type(integration).__name__.lower()
    same = [i for i in integrations if type(i) is type(integration)]
    detail = integration.channel if isinstance(integration, Slack) else ""
    number = str(same.index(integration) + 1) if len(same) > 1 and not detail else ""
    return " ".join(part for part in (kind, detail, number) if part)


def _latest(members: list[Firing], labels: tuple[tuple[str, str], ...], t: float) -> Firing:
    return max((a for a in members if a.labels == labels and a.start <= t), key=lambda a: a.start)


def _needs_update(log: _Log | None, firing: frozenset[tuple[tuple[str, str], ...]],
                  resolved: frozenset[tuple[tuple[str, str], ...]], send_resolved: bool, repeat: float,
                  now: float) -> bool:  # fmt: skip
    if log is None:
        return bool(firing)
    if not firing <= log.firing:
        return True
    if not firing:
        return bool(log.firing)
    if send_resolved and not resolved <= log.resolved:
        return True
    return now - log.at > repeat
