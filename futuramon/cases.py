"""Alert test cases kept short: series helpers that write promtool's notation, and what futuramon works out
from one firing case.

From a firing case's series futuramon evaluates the alert's signal minute by minute (`futuramon.evaluation`)
and fills in what the case leaves out: its name ("at 11 req/s"), its `at` (the first minute the alert fires)
and its labels (those of the series that fires). It then derives two quiet cases: one minute before the
alert fires, while its `for` has not yet passed ("before its 5m have passed"; none for a `for` of 0), and the
same series scaled so the signal stays just on the quiet side of the threshold for a whole `for` ("just
under, at 9.9 req/s"). Each is an ordinary case that `promtool test rules` runs and that fails when the
rendered `for` or threshold is wrong. The loader works them out for each environment; what cannot be worked
out is an error naming the case, never a case silently left out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

import promql_parser

from futuramon import promql
from futuramon.errors import Place, SpecError
from futuramon.evaluation import Input, LabelSet, Unsupported, evaluate, holds, inputs
from futuramon.model import (
    Alert,
    AlertCase,
    DerivedCases,
    Duration,
    Labels,
    Series,
    Stack,
    Text,
    duration_seconds,
    filler,
    reading,
)
from futuramon.series import Line, line, short, written

MINUTES = 60  # how long a helper's series runs unless told: an hour, one sample a minute
_CLOSE = 1e-6  # relative: a signal this near its threshold is on neither side for sure


# --- series helpers -------------------------------------------------------------------


def counter(metric: str, labels: Mapping[str, str] | None = None, *, per_second: float,
            minutes: int = MINUTES) -> Series:  # fmt: skip
    """A counter growing from 0 by `per_second` every second, one sample a minute: `0+660x60` for 11/s."""
    return Series(selector=written(metric, labels or {}), values=Line(0, per_second * 60, minutes).notation)


def gauge(metric: str, labels: Mapping[str, str] | None = None, *, value: float, minutes: int = MINUTES) -> Series:
    """A gauge holding `value`, one sample a minute: `5x60`."""
    return Series(selector=written(metric, labels or {}), values=Line(value, 0, minutes).notation)


def histogram(metric: str, labels: Mapping[str, str] | None = None, *, per_second: float,
              between: tuple[float, float], buckets: Sequence[float], minutes: int = MINUTES
              ) -> tuple[Series, ...]:  # fmt: skip
    """The `<metric>_bucket` series of a histogram with bucket bounds `buckets` that observes `per_second`
    values a second, every one of them in the bucket range `between` (two adjacent bounds; 0 below the first)."""
    bounds = sorted(buckets)
    low, high = between
    lows = [0.0, *bounds]
    if high not in bounds or lows[bounds.index(high)] != low:
        pairs = ", ".join(f"({short(a)}, {short(b)})" for a, b in zip(lows, bounds, strict=False))
        raise SpecError(f"between=({short(low)}, {short(high)}) is not one bucket of {[short(b) for b in bounds]}: "
                        f"one of {pairs}", Place(obj=f"histogram {metric!r}", field="between"))  # fmt: skip
    return tuple(
        counter(f"{metric}_bucket", {**(labels or {}), "le": short(bound) if bound != math.inf else "+Inf"},
                per_second=per_second if bound >= high else 0, minutes=minutes)
        for bound in [*bounds, math.inf]
    )  # fmt: skip


def series(metric: str, labels: Mapping[str, str] | None = None, *, values: str) -> Series:
    """A series in promtool's own notation, for a shape the other helpers do not draw: values="0x30 1x50"."""
    return Series(selector=written(metric, labels or {}), values=values)


def fires(*series: Series | tuple[Series, ...], at: str | None = None, labels: dict[str, str] | None = None,
          name: str | None = None, hold: bool = True, below: bool = True) -> AlertCase:  # fmt: skip
    """A case in which the alert fires. Left out, `at` is the first minute it fires, `labels` those of the
    series that fires, `name` the signal's value ("at 11 req/s"). `hold=False` and `below=False` turn off the
    quiet cases derived from it (before its `for` has passed; just below the threshold)."""
    return AlertCase(name=name, at=at, fires=True, labels=labels, series=_flat(series), hold=hold, below=below)


def quiet(name: str, *series: Series | tuple[Series, ...], at: str) -> AlertCase:
    """A case in which the alert stays quiet at `at`."""
    return AlertCase(name=name, at=at, fires=False, labels={}, series=_flat(series), hold=False, below=False)


def _flat(series: tuple[Series | tuple[Series, ...], ...]) -> tuple[Series, ...]:
    return tuple(s for item in series for s in (item if isinstance(item, tuple) else (item,)))


# --- what futuramon works out ------------------------------------------------------------


class Proven(AlertCase):
    """A case as promtool runs it: nothing left out."""

    name: Text
    at: Duration
    labels: Labels


def expanded(stack: Stack, alert: Alert) -> tuple[Proven, ...]:
    """The alert's cases as promtool runs them: each declared case, with what a firing case left out filled
    in and followed by the quiet cases derived from it. Follows the alert as its environment has it; a signal
    that reads recordings is worked out through their expressions. A stamped copy's cases are its declared
    alert's, with the copy's parameter values filled in (copies differ only in label values)."""
    keys, found = stack.cases(derive)[alert.name]
    values = {key: alert.labels[key] for key in keys if alert.labels.get(key, f"{{{key}}}") != f"{{{key}}}"}
    return cast(tuple[Proven, ...], filler(values)(found))


def derive(stack: Stack) -> DerivedCases:
    """Every declared alert's cases in this environment (a stamped one's with its `{key}` placeholders), by
    name, with the keys its group is stamped out over. The loader works them out, so that a case which
    cannot be is an error of every command that loads the specs."""
    return {alert.name: (group.keys, tuple(found for case in alert.tests
                                           for found in _expand(alert, stack.inlined(alert.signal), case)))
            for group in stack.rule_groups for alert in group.alerts}  # fmt: skip


def _expand(alert: Alert, signal: str, case: AlertCase) -> list[Proven]:
    if not case.fires or (None not in (case.name, case.at, case.labels) and not case.hold and not case.below):
        return [_proven(case, {"labels": case.labels or {}})]
    try:
        timeline = _Timeline(alert, signal, case)
        firing = timeline.resolved()
    except Unsupported as reason:
        raise _error(alert, case, f"cannot work out {_left_out(case)}: {reason}") from None
    found = [firing]
    fired = timeline.fired_at
    if fired is None:  # promtool fails the firing case: nothing to derive from
        return found
    if case.hold and timeline.hold:  # a `for` of 0 holds nothing
        found.append(timeline.before_hold(firing, fired))
    if case.below:
        try:
            found.append(timeline.below(firing, fired))
        except Unsupported as reason:
            raise _error(alert, case, f"cannot derive the case just below the threshold: {reason}; write that "
                                      "quiet case yourself and pass below=False") from None  # fmt: skip
    return found


def _left_out(case: AlertCase) -> str:
    missing = [f"its {field}" for field in ("name", "at", "labels") if getattr(case, field) is None]
    derived = [
        f"the quiet case {what} ({flag}=False turns it off)"
        for flag, what in (("hold", "before its for has passed"), ("below", "just below the threshold"))
        if getattr(case, flag)
    ]
    return ", ".join(missing + derived)


def _proven(case: AlertCase, changes: dict[str, Any]) -> Proven:
    """The case with `changes`, nothing left out, declared where the case was."""
    proven = Proven.model_construct(**{**dict(case), "hold": False, "below": False, **changes})
    proven._origin = case.origin
    return proven


def _error(alert: Alert, case: AlertCase, message: str) -> SpecError:
    file, line = case.origin
    place = Place(file=file, line=line or None, obj=f"Alert {alert.name!r}", field="tests")
    return SpecError(f"firing case {case.name or '(unnamed)'!r}: {message}", place)


class _Timeline:
    """The signal of one firing case, minute by minute, and the one series of it that fires."""

    def __init__(self, alert: Alert, signal: str, case: AlertCase) -> None:
        self.alert, self.signal, self.case = alert, signal, case
        self.inputs = inputs([(s.selector, s.values) for s in case.series])
        self.horizon = max(s.line.minutes for s in self.inputs)
        self.hold = math.ceil(duration_seconds(alert.for_) / 60)  # evaluations, one a minute
        self.window = max([math.ceil(n.range.total_seconds() / 60) for n in promql.nodes(signal)
                           if isinstance(n, promql_parser.MatrixSelector)], default=0)  # fmt: skip
        self.values = evaluate(signal, self.inputs, range(self.horizon + 1))
        self.labels, self.fired_at = self._firing()

    def _firing(self) -> tuple[LabelSet, int | None]:
        """The series that fires and the first minute it does; when none fires (a threshold moved past the
        case, a misspelled metric), the only series of the signal (or the labels stated) and None: promtool
        then fails the case, and nothing is derived from it."""
        first: dict[LabelSet, int] = {}
        wanted = set((self.case.labels or {}).items())
        present = {labels for vector in self.values for labels in vector if wanted <= labels}
        for labels in present:
            held = 0
            for minute, vector in enumerate(self.values):
                value = vector.get(labels)
                held = held + 1 if value is not None and holds(value, self.alert.op, self.alert.threshold) else 0
                if held > self.hold:
                    first[labels] = minute
                    break
        if not first:
            return (next(iter(present)) if len(present) == 1 else frozenset(wanted)), None
        if len(first) > 1:
            found = "; ".join(_text(labels) for labels in first)
            raise Unsupported(f"{len(first)} series of the signal fire ({found}): state the labels of the one meant")
        ((labels, minute),) = first.items()
        for before in range(max(0, minute - self.hold - 1), minute + 1):
            self._clear(self.values[before].get(labels), before)
        return labels, minute

    def _near(self, value: float) -> bool:
        threshold = self.alert.threshold
        return abs(value - threshold) <= _CLOSE * max(1.0, abs(threshold))

    def _clear(self, value: float | None, minute: int) -> None:
        if value is not None and self._near(value) and self.alert.op not in ("==", "!="):
            raise Unsupported(f"at minute {minute} the signal is {short(value)}, too near its threshold "
                              f"{short(self.alert.threshold)} to tell the side promtool sees: move the series a "
                              "bit")  # fmt: skip

    def resolved(self) -> Proven:
        at = self.case.at or f"{self.horizon if self.fired_at is None else self.fired_at}m"
        minute = int(duration_seconds(at) // 60)
        value = self.values[min(minute, self.horizon)].get(self.labels)
        name = self.case.name or (f"at {reading(round(value, 6), self.alert.unit)}" if value is not None else
                                  f"fires by {at}")  # fmt: skip
        labels = self.case.labels if self.case.labels is not None else dict(self.labels)
        return _proven(self.case, {"name": name, "at": at, "labels": labels})

    def before_hold(self, firing: Proven, fired: int) -> Proven:
        """Quiet one minute before the alert fires: the signal has crossed, its `for` has not yet passed."""
        return _proven(firing, {"name": f"before its {self.alert.for_} have passed",
                                         "at": f"{fired - 1}m", "fires": False, "labels": {}})  # fmt: skip

    def below(self, firing: Proven, fired: int) -> Proven:
        """The same series, moved so the signal stays just on the quiet side of the threshold for a whole `for`
        once it is steady, evaluated at its end: a rendered threshold moved past the signal's value anywhere in
        that `for` (its lowest, for an alert on `>`) fires it."""
        op, threshold = self.alert.op, self.alert.threshold
        if op not in (">", ">=", "<", "<="):
            raise Unsupported(f"its op {op} has no quiet side just below or above the threshold")
        if threshold == 0 and op in (">=", "<="):
            raise Unsupported(f"with op {op} the quiet side of 0 is below 0, where no counter goes")
        margin = abs(threshold) / 100
        target = threshold - margin if op in (">", ">=") else threshold + margin
        if _is_quantile(self.signal):
            at = fired + self.window
            moved = self._histogram_moved(at)
        else:
            at, moved = self._scaled(target, fired + self.window)
        values = evaluate(self.signal, moved, range(at + 1))
        held = [values[minute].get(self.labels) for minute in range(at - self.hold, at + 1)]
        if None in held:
            raise Unsupported("the moved series no longer make the signal")
        value = min(v for v in held if v is not None) if op in (">", ">=") else max(v for v in held if v is not None)
        first = max(0, at - self.hold - 1)  # from the minute before the last `for` up to `at`: what decides
        for labels in {labels for vector in values[first:] for labels in vector}:
            crossed = [(v := vector.get(labels)) is not None and holds(v, op, threshold) for vector in values]
            if all(crossed[at - self.hold :]):
                raise Unsupported(f"moved to {short(value)}, the signal still holds for its {self.alert.for_}")
            for minute in range(first, at + 1):
                if values[minute].get(labels, threshold) != threshold:
                    self._clear(values[minute][labels], minute)
        side = "under" if op in (">", ">=") else "over"
        return _proven(firing, {
            "name": f"just {side}, at {reading(round(value, 6), self.alert.unit)}", "at": f"{at}m", "fires": False,
            "labels": {}, "series": tuple(Series(selector=s.selector, values=m.line.notation)
                                          for s, m in zip(firing.series, moved, strict=True))})  # fmt: skip

    def _scaled(self, target: float, earliest: int) -> tuple[int, list[Input]]:
        """The first minute from `earliest` that ends a `for` over which the signal, scaled in proportion to the
        first series, can stay between `target` and the threshold; and the series so scaled."""
        latest = max(self.horizon, earliest)
        signal = [vector.get(self.labels) for vector in
                  evaluate(self.signal, self._lengthened(self.inputs, latest), range(latest + 1))]  # fmt: skip
        if not signal[earliest]:
            raise Unsupported("the signal is 0 or missing in the firing case, nothing to scale")
        chosen = next(((at, factor) for at in range(earliest, latest + 1)
                       if (factor := self._factor(signal[at - self.hold : at + 1], target)) is not None),
                      None)  # fmt: skip
        if chosen is None:
            spread = [v for v in signal[earliest - self.hold : earliest + 1] if v is not None]
            raise Unsupported(f"the signal goes from {short(min(spread))} to {short(max(spread))} over the "
                              f"{self.alert.for_} up to minute {earliest}, more than the 1% a case just on the quiet "
                              "side of the threshold for a whole `for` allows, and does not steady by the series' "
                              "end: give the case series whose signal is steady (a counter at a pace, a gauge at a "
                              "value)")  # fmt: skip
        at, factor = chosen
        held = signal[at - self.hold : at + 1]
        first, *rest = self._lengthened(self.inputs, at)
        scaled = line(Line(first.line.start * factor, first.line.per_minute * factor, first.line.minutes).notation)
        moved = [Input(first.labels, scaled or first.line), *rest]
        now = [vector.get(self.labels) for vector in evaluate(self.signal, moved, range(at - self.hold, at + 1))]
        if any(v is None or w is None or abs(v - w * factor) > _CLOSE * max(1.0, abs(target))
               for v, w in zip(now, held, strict=True)):  # fmt: skip
            raise Unsupported(f"the signal does not follow its first series ({first.labels['__name__']}) in "
                              "proportion: list first the series it grows with")  # fmt: skip
        return at, moved

    def _factor(self, signal: list[float | None], target: float) -> float | None:
        """The factor that keeps every value of the signal over a `for` between `target` and the threshold (its
        far end at `target`), or None when the values are missing or spread too wide for that."""
        op, threshold = self.alert.op, self.alert.threshold
        close = _CLOSE * max(1.0, abs(target))
        held = [v for v in signal if v is not None]
        if len(held) < len(signal):
            return None
        for end in (min(held), max(held)):
            factor = target / end if end else -1.0
            scaled = [v * factor for v in held]
            if factor >= 0 and all(not holds(v, op, threshold) and (v == threshold or not self._near(v)) and
                                  (v >= target - close if op in (">", ">=") else v <= target + close)
                                  for v in scaled):  # fmt: skip
                return factor
        return None

    def _histogram_moved(self, at: int) -> list[Input]:
        """Every observation moved to the bucket nearest the threshold on its quiet side."""
        op, threshold = self.alert.op, self.alert.threshold
        moved = self._lengthened(self.inputs, at)
        bounds = sorted({float(s.labels["le"]) for s in moved if "le" in s.labels} - {math.inf})
        lows = [0.0, *bounds]
        if op in (">", ">="):
            fitting = [(low, high) for low, high in zip(lows, bounds, strict=False) if high <= threshold]
            chosen = fitting[-1] if fitting else None
        else:
            fitting = [(low, high) for low, high in zip(lows, bounds, strict=False) if low >= threshold]
            chosen = fitting[0] if fitting else None
        if chosen is None:
            raise Unsupported(f"no bucket of {[short(b) for b in bounds]} lies wholly on the quiet side of "
                              f"{short(threshold)}")  # fmt: skip
        pace = {_histogram_of(s): s.line.per_minute for s in moved if s.labels.get("le") == "+Inf"}
        return [Input(s.labels, Line(0, pace.get(_histogram_of(s), 0) if float(s.labels["le"]) >= chosen[1] else 0,
                                     s.line.minutes)) if "le" in s.labels else s for s in moved]  # fmt: skip

    @staticmethod
    def _lengthened(found: list[Input], minutes: int) -> list[Input]:
        return [Input(s.labels, Line(s.line.start, s.line.per_minute, max(s.line.minutes, minutes))) for s in found]


def _histogram_of(series: Input) -> LabelSet:
    return frozenset((k, v) for k, v in series.labels.items() if k != "le")


def _is_quantile(signal: str) -> bool:
    node = promql.parse(signal)
    while isinstance(node, promql_parser.ParenExpr):
        node = node.expr
    return isinstance(node, promql_parser.Call) and node.func.name == "histogram_quantile"


def _text(labels: LabelSet) -> str:
    return "{" + ", ".join(f'{k}="{v}"' for k, v in sorted(labels)) + "}"
