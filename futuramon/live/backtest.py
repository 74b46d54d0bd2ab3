"""`futuramon backtest`: each alert's rule evaluated over a range of history, and what Alertmanager would
have sent for it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from futuramon import promql
from futuramon.errors import Place, SpecError
from futuramon.live.api import Labels, Prometheus, QueryError, Series, align, iso
from futuramon.live.evaluate import Episode, episodes
from futuramon.live.notify import Firing, Sent, notifications
from futuramon.model import Alert, Stack, duration_seconds
from futuramon.render.text import alert_labels, threshold_text

DEFAULT_EVALUATION_INTERVAL = "1m"  # Prometheus' global evaluation_interval when a group sets none


@dataclass
class AlertHistory:
    alert: Alert
    interval: float
    episodes: list[tuple[Labels, Episode]]
    sent: list[Sent] = field(default_factory=list)
    no_data: list[str] = field(default_factory=list)  # metrics it reads that have no series in the range

    def firing_seconds(self, end: float) -> float:
        return sum((e.end if e.end is not None else end) - e.start for _, e in self.episodes)

    def notifications(self) -> dict[str, int]:
        """Notifications per receiver (one per flush, however many Slack/Discord configs it has)."""
        return dict(sorted(Counter(s.receiver for s in {(s.receiver, s.at): s for s in self.sent}.values()).items()))

    def messages(self) -> dict[str, int]:
        """Messages per receiver integration (`critical slack #alerts-critical`, `critical discord`)."""
        return dict(sorted(Counter(f"{s.receiver} {s.integration}" for s in self.sent).items()))


@dataclass
class Backtest:
    start: float
    end: float
    alerts: list[AlertHistory]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": iso(self.start),
            "to": iso(self.end),
            "alerts": [
                {
                    "alert": h.alert.name,
                    "expr": h.alert.expr,
                    "evaluation_interval": duration_text(h.interval),
                    "for": h.alert.for_,
                    "keep_firing_for": h.alert.keep_firing_for,
                    "episodes": [
                        {
                            "start": iso(e.start),
                            "end": iso(e.end) if e.end is not None else None,
                            "labels": dict(labels),
                        }
                        for labels, e in h.episodes
                    ],
                    "firing_seconds": h.firing_seconds(self.end),
                    "notifications": h.notifications(),
                    "messages": h.messages(),
                    "no_data": h.no_data,
                }
                for h in self.alerts
            ],
        }

    def text(self) -> str:
        blocks = []
        for h in self.alerts:
            alert = h.alert
            keep = f", keep_firing_for {alert.keep_firing_for}" if alert.keep_firing_for else ""
            sent = ", ".join(f"{r} {n}" for r, n in h.notifications().items()) or "none"
            lines = [
                f"{alert.name} ({alert.op} {threshold_text(alert)} for {alert.for_}{keep}, every "
                f"{duration_text(h.interval)}): {plural(len(h.episodes), 'episode')}, firing "
                f"{duration_text(h.firing_seconds(self.end))}; notifications: {sent}"
            ]
            for labels, e in h.episodes:
                end = iso(e.end) if e.end is not None else "(still firing)"
                length = duration_text((e.end if e.end is not None else self.end) - e.start)
                lines.append(f"  {iso(e.start)} → {end}  {length:>7}  {labels_text(labels)}")
            lines.extend(f"  no data: {name} has no series in this range" for name in h.no_data)
            blocks.append("\n".join(lines))
        total = Counter[str]()
        for h in self.alerts:
            total.update(h.notifications())
        summary = ", ".join(f"{r} {n}" for r, n in sorted(total.items())) or "none"
        fired = sum(len(h.episodes) for h in self.alerts)
        return "\n".join(blocks) + (
            f"\n\n{iso(self.start)} → {iso(self.end)}: {plural(len(self.alerts), 'alert')}, "
            f"{plural(fired, 'episode')}; "
            f"notifications: {summary}\n"
        )


def select(stack: Stack, names: list[str]) -> list[Alert]:
    """The alerts named (all of them when none is), in the order of the specs."""
    known = {a.name for a in stack.alerts}
    for name in names:
        if name not in known:
            raise SpecError(f"no alert named {name!r}; `futuramon list alerts` shows them")
    return [a for a in stack.alerts if not names or a.name in names]


def evaluation_interval(stack: Stack, alert: Alert) -> float:
    group = next(g for g in stack.rule_groups if any(a.name == alert.name for a in g.alerts))
    return duration_seconds(group.interval or DEFAULT_EVALUATION_INTERVAL)


def evaluate(prometheus: Prometheus, stack: Stack, alert: Alert, expr: str, start: float,
             end: float) -> tuple[float, list[Series]]:  # fmt: skip
    """`expr` (the alert's rule or its signal) at each of the alert's evaluations in the range, and their interval;
    the recordings it reads written out (history from before their rules existed); a query the server refuses
    is reported with the alert's spec line."""
    interval = evaluation_interval(stack, alert)
    try:
        return interval, prometheus.query_range(stack.inlined(expr), align(start, interval), end, interval)
    except QueryError as error:
        file, line = alert.origin
        raise QueryError(f"{Place(file=file, line=line, obj=f'Alert {alert.name!r}').prefix()}: {error}") from None


def history(prometheus: Prometheus, stack: Stack, alert: Alert, start: float, end: float) -> AlertHistory:
    """The firing episodes of one alert between start and end, evaluated as Prometheus would."""
    interval, results = evaluate(prometheus, stack, alert, alert.expr, start, end)
    hold = duration_seconds(alert.for_)
    keep = duration_seconds(alert.keep_firing_for) if alert.keep_firing_for else 0.0
    found = [
        (series.labels, episode)
        for series in results
        for episode in episodes([t for t, _ in series.points], interval, hold, keep, end)
    ]
    return AlertHistory(alert, interval, sorted(found, key=lambda f: (f[1].start, f[0])))


def full_labels(alert: Alert, labels: Labels) -> Labels:
    """The labels Alertmanager receives: the series', the rule's, and alertname."""
    return tuple(sorted({**dict(labels), **alert_labels(alert), "alertname": alert.name}.items()))


def backtest(prometheus: Prometheus, stack: Stack, alerts: list[Alert], start: float, end: float) -> Backtest:
    known = set(prometheus.metric_names(start, end))
    if not known:
        raise QueryError(f"{prometheus.url} has no series at all between {iso(start)} and {iso(end)}: "
                         "check --prometheus, --from and --to")  # fmt: skip
    histories = []
    for alert in alerts:
        found = history(prometheus, stack, alert, start, end)
        found.no_data = sorted({n for n in promql.metric_names(stack.inlined(alert.expr)) if n not in known})
        histories.append(found)
    # Alertmanager sees every alert of the stack at once (grouping, inhibition), not only those asked about.
    everyone = {h.alert.name: h for h in histories}
    for alert in stack.alerts:
        if alert.name not in everyone:
            everyone[alert.name] = history(prometheus, stack, alert, start, end)
    firings = [
        Firing(full_labels(h.alert, labels), e.start, e.end) for h in everyone.values() for labels, e in h.episodes
    ]
    sent = notifications(stack, firings, end)
    for h in histories:
        h.sent = [s for s in sent if any(dict(a).get("alertname") == h.alert.name for a in s.firing + s.resolved)]
    return Backtest(start, end, histories)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def labels_text(labels: Labels) -> str:
    return "{" + ", ".join(f'{k}="{v}"' for k, v in labels) + "}"


def duration_text(seconds: float) -> str:
    """3h12m, 45m, 30s: as Prometheus writes durations."""
    seconds = round(seconds)
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts)
