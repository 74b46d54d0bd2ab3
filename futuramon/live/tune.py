"""`futuramon tune`: the threshold at which an alert would have fired at most N times over a range of history.

The alert's signal is read once at its evaluation interval; every candidate threshold is then evaluated
locally with the same `for`/`keep_firing_for` semantics as the backtest (a comparison filters the signal
exactly as `signal op threshold` does in PromQL). The spec is never edited: tune prints the line to change.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from futuramon.checks.base import spec_location
from futuramon.errors import Place, SpecError
from futuramon.live.api import Labels, Prometheus, Series, iso
from futuramon.live.backtest import duration_text, evaluate, full_labels, labels_text, plural
from futuramon.live.evaluate import Episode, episodes
from futuramon.live.notify import Firing, notifications
from futuramon.model import Alert, Stack, duration_seconds, number

PERCENTILES = {"above": (50, 90, 95, 99, 99.9), "below": (0.1, 1, 5, 10, 50)}  # the side the alert fires on
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


@dataclass
class Outcome:
    threshold: float
    episodes: list[tuple[Labels, Episode]]
    notifications: dict[str, int]


@dataclass
class Tuning:
    alert: Alert
    start: float
    end: float
    interval: float
    target: int
    samples: int
    series: int
    percentiles: list[tuple[str, float]]
    current: Outcome
    suggested: Outcome | None  # None: no threshold within the signal's values fires that rarely
    line: tuple[str, int, str] | None  # the spec line that sets the threshold: (path, number, text)

    def text(self) -> str:
        alert = self.alert
        stats = "  ".join(f"{name} {_short(value)}" for name, value in self.percentiles)
        lines = [
            f"{alert.name}: {alert.expr} for {alert.for_}, {iso(self.start)} → {iso(self.end)}, every "
            f"{duration_text(self.interval)}",
            f"signal over {self.series} series, {self.samples} evaluations: {stats}",
            "",
            f"  {'THRESHOLD':<22} {'EPISODES':>8}  {'FIRING':>8}  NOTIFICATIONS",
            self._row(self.current, "now"),
        ]
        if self.suggested is None:
            lines.append(f"\nno threshold within the signal's values fires at most {plural(self.target, 'time')}")
            return "\n".join(lines) + "\n"
        lines.append(self._row(self.suggested, f"at most {self.target}"))
        dropped = [e for e in self.current.episodes if not _overlaps(e, self.suggested.episodes)]
        if dropped:
            lines.append(f"\nno longer fire at {alert.op} {_short(self.suggested.threshold)}:")
            lines.extend(f"  {_episode(e, self.end)}" for e in dropped)
        kept = self.suggested.episodes
        if kept:
            lines.append("\nstill fire:")
            lines.extend(f"  {_episode(e, self.end)}" for e in kept)
        lines.append("")
        if self.line is not None:
            path, line, text = self.line
            new = re.sub(r"threshold=[^,)\s]+", f"threshold={number(self.suggested.threshold)}", text, count=1)
            lines += [f"to fire at most {plural(self.target, 'time')}, change {path}:{line}:", f"- {text}", f"+ {new}"]
        else:
            lines.append(f"to fire at most {plural(self.target, 'time')}, set {alert.name}'s threshold to "
                         f"{number(self.suggested.threshold)}")  # fmt: skip
        lines.append("(tune never edits the specs)")
        return "\n".join(lines) + "\n"

    def _row(self, outcome: Outcome, note: str) -> str:
        firing = sum((e.end if e.end is not None else self.end) - e.start for _, e in outcome.episodes)
        sent = ", ".join(f"{r} {n}" for r, n in outcome.notifications.items()) or "none"
        label = f"{self.alert.op} {_short(outcome.threshold)} ({note})"
        return f"  {label:<22} {len(outcome.episodes):>8}  {duration_text(firing):>8}  {sent}"


def tune(prometheus: Prometheus, stack: Stack, specs: Path, alert: Alert, start: float, end: float,
         target: int) -> Tuning:  # fmt: skip
    if alert.op not in _COMPARE:
        file, line = alert.origin
        raise SpecError(f"tune needs a threshold comparison (>, >=, <, <=), the alert compares with {alert.op}",
                        Place(file=file, line=line, obj=f"Alert {alert.name!r}", field="op"))  # fmt: skip
    interval, signal = evaluate(prometheus, stack, alert, alert.signal, start, end)
    values = sorted(v for s in signal for _, v in s.points if math.isfinite(v))

    def outcome(threshold: float) -> Outcome:
        found = _episodes(alert, signal, threshold, interval, end)
        firings = [Firing(full_labels(alert, labels), e.start, e.end) for labels, e in found]
        sent: dict[str, int] = {}
        for s in {(s.receiver, s.at): s for s in notifications(stack, firings, end)}.values():
            sent[s.receiver] = sent.get(s.receiver, 0) + 1
        return Outcome(threshold, found, dict(sorted(sent.items())))

    current = outcome(alert.threshold)
    suggested = _search(alert, values, target, lambda t: len(_episodes(alert, signal, t, interval, end)))
    return Tuning(
        alert, start, end, interval, target, len(values), len(signal),
        _distribution(alert, values),
        current, outcome(suggested) if suggested is not None else None, _threshold_line(alert, specs),
    )  # fmt: skip


def _episodes(alert: Alert, signal: list[Series], threshold: float, interval: float,
              end: float) -> list[tuple[Labels, Episode]]:  # fmt: skip
    compare = _COMPARE[alert.op]
    hold = duration_seconds(alert.for_)
    keep = duration_seconds(alert.keep_firing_for) if alert.keep_firing_for else 0.0
    found = [
        (series.labels, episode)
        for series in signal
        for episode in episodes([t for t, v in series.points if compare(v, threshold)], interval, hold, keep, end)
    ]
    return sorted(found, key=lambda f: (f[1].start, f[0]))


def _search(alert: Alert, values: list[float], target: int, count: Callable[[float], int]) -> float | None:
    """The least strict threshold with at most `target` episodes (a round number when it fires as often).
    Thresholds are tried among the signal's own values, by bisection from the loosest to the strictest."""
    above = alert.op in (">", ">=")
    candidates = sorted(set(values), reverse=not above)  # from the loosest to the strictest
    if not candidates:
        return None
    if count(candidates[-1]) > target:
        return None
    low, high = 0, len(candidates) - 1  # count(candidates[high]) <= target
    while low < high:
        middle = (low + high) // 2
        if count(candidates[middle]) <= target:
            high = middle
        else:
            low = middle + 1
    found = candidates[high]
    rounded = _round(found, up=above)
    return rounded if count(rounded) == count(found) else found


def _round(value: float, up: bool) -> float:
    """Two significant digits, rounded away from firing (up for > and >=, down for < and <=)."""
    if value == 0:
        return 0.0
    scale = 10 ** (math.floor(math.log10(abs(value))) - 1)
    return float((math.ceil(value / scale) if up else math.floor(value / scale)) * scale)


def _distribution(alert: Alert, values: list[float]) -> list[tuple[str, float]]:
    """Percentiles of the signal on the side the alert fires on, and the extreme there."""
    if not values:
        return []
    if alert.op in (">", ">="):
        return [(f"p{p:g}", _percentile(values, p)) for p in PERCENTILES["above"]] + [("max", values[-1])]
    return [("min", values[0])] + [(f"p{p:g}", _percentile(values, p)) for p in PERCENTILES["below"]]


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return math.nan
    rank = (len(values) - 1) * p / 100
    low = math.floor(rank)
    return values[low] + (values[min(low + 1, len(values) - 1)] - values[low]) * (rank - low)


def _threshold_line(alert: Alert, specs: Path) -> tuple[str, int, str] | None:
    """The line of the alert's declaration that sets `threshold=`, searched from where the alert starts."""
    path, line = spec_location(alert, specs)
    try:
        text = Path(alert.origin[0]).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number_, content in enumerate(text[line - 1 : line + 30], start=line):
        if re.search(r"\bthreshold=", content):
            return path, number_, content
    return None


def _overlaps(episode: tuple[Labels, Episode], others: list[tuple[Labels, Episode]]) -> bool:
    labels, e = episode
    end = e.end if e.end is not None else math.inf
    return any(lb == labels and o.start < end and (o.end is None or o.end > e.start) for lb, o in others)


def _episode(found: tuple[Labels, Episode], range_end: float) -> str:
    labels, e = found
    end = iso(e.end) if e.end is not None else "(still firing)"
    return f"{iso(e.start)} → {end}  {duration_text((e.end if e.end is not None else range_end) - e.start):>7}  " \
        f"{labels_text(labels)}"  # fmt: skip


def _short(value: float) -> str:
    return f"{value:.4g}"
