"""How many notifications Alertmanager would have sent for a history of firing alerts.

A replay of Alertmanager 0.28's dispatcher, in simulated time: every route an alert is delivered by puts
it in an aggregation group (route and its group_by values). A new group is flushed `group_wait` after its
first alert arrives, then every `group_interval` (each route's own or inherited timers). At each flush,
inhibited alerts are left out (a firing source alert matching the rule with the same `equal` labels, not
the alert itself); when all are, or the route is in a mute time interval (or outside its active ones),
nothing happens.
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
from dataclasses import dataclass
from datetime import UTC, datetime

from futuramon.model import Integration, Route, Routing, Slack, Stack, duration_seconds, matches

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
    key: str  # "route 2.1", or "root"
    receiver: str
    group_by: tuple[str, ...]
    wait: float
    interval: float
    repeat: float
    node: Route | None  # None: the root


@dataclass
class _Log:
    """Alertmanager's notification log entry of one integration for one group."""

    firing: frozenset[tuple[tuple[str, str], ...]]
    resolved: frozenset[tuple[tuple[str, str], ...]]
    at: float


def routes_for(routing: Routing, labels: dict[str, str]) -> list[_Route]:
    """The routes an alert is delivered by, as Alertmanager walks the tree, with their inherited timers."""
    numbers = {path: f"route {number}" for number, path in routing.numbered()}

    def seconds(path: tuple[Route, ...], field: str) -> float:
        return duration_seconds(routing.inherited(path, field))

    return [
        _Route(
            numbers.get(path, "root"),
            routing.receiver_of(path),
            tuple(routing.inherited(path, "group_by")),
            seconds(path, "group_wait"),
            seconds(path, "group_interval"),
            seconds(path, "repeat_interval"),
            path[-1] if path else None,
        )
        for path in routing.matching_paths(labels) or [()]
    ]


def notifications(stack: Stack, alerts: list[Firing], until: float) -> list[Sent]:
    """Every message Alertmanager would have sent up to `until`, in time order."""
    routing = stack.routing
    groups: dict[tuple[str, tuple[str, ...]], list[Firing]] = defaultdict(list)
    routes: dict[tuple[str, tuple[str, ...]], _Route] = {}
    for alert in alerts:
        labels = dict(alert.labels)
        for route in routes_for(routing, labels):
            key = (route.key, tuple(labels.get(name, "") for name in route.group_by))
            groups[key].append(alert)
            routes[key] = route
    muted = _Inhibitions(stack, alerts)
    sent: list[Sent] = []
    for key, members in groups.items():
        sent.extend(_replay(stack, routes[key], members, muted, until))
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


def _replay(stack: Stack, route: _Route, members: list[Firing], muted: _Inhibitions, until: float) -> list[Sent]:
    receiver = next(r for r in stack.receivers if r.name == route.receiver)
    integrations = [(_integration_name(receiver.integrations, i), i.send_resolved) for i in receiver.integrations]
    arrivals = sorted(members, key=lambda a: a.start)
    logs: dict[str, _Log] = {}
    sent: list[Sent] = []
    group: set[tuple[tuple[str, str], ...]] | None = None  # the label sets in the aggregation group, if it exists
    flush = 0.0
    next_arrival = 0
    while True:
        if group is None:
            if next_arrival >= len(arrivals) or arrivals[next_arrival].start > until:
                return sent
            group = set()
            flush = arrivals[next_arrival].start + route.wait
        else:
            flush += route.interval
        if flush > until:
            return sent
        while next_arrival < len(arrivals) and arrivals[next_arrival].start <= flush:
            group.add(arrivals[next_arrival].labels)
            next_arrival += 1
        state = {labels: _latest(members, labels, flush) for labels in group}
        resolved_all = {labels for labels, alert in state.items() if not alert.firing_at(flush)}
        visible = {labels for labels in group if not muted.muted(labels, flush)}
        firing = frozenset(visible - resolved_all)
        resolved = frozenset(visible & resolved_all)
        silent = not visible or (route.node is not None and stack.routing.silent(route.node, _moment(flush)))
        for name, send_resolved in [] if silent else integrations:  # all muted, or a muted time: nothing
            log = logs.get(name)
            if log is not None and flush - log.at > NFLOG_RETENTION:
                log = None
            if not _needs_update(log, firing, resolved, send_resolved, route.repeat, flush):
                continue
            logs[name] = _Log(firing, resolved, flush)
            if firing or send_resolved:
                sent.append(Sent(route.receiver, name, flush, tuple(sorted(firing)),
                                 tuple(sorted(resolved)) if send_resolved else ()))  # fmt: skip
        group -= resolved_all
        if not group:
            group = None


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


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
