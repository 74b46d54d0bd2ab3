"""An alerting rule evaluated over history exactly as Prometheus does it, step by step.

Prometheus evaluates a rule every group interval. A label set the expression returns becomes pending;
it fires at the first evaluation at least `for` after it became pending; it resolves at the first
evaluation that no longer returns it, unless `keep_firing_for` keeps it firing: then it resolves at the
first evaluation at least `keep_firing_for` after the one that first missed it (returning in between
starts that count afresh). A pending alert that misses one evaluation is forgotten.
(rules/alerting.go, AlertingRule.Eval, Prometheus 2.53.)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Episode:
    start: float  # the evaluation at which it fired
    end: float | None  # the evaluation at which it resolved; None: still firing at the end of the range


def episodes(present: list[float], step: float, hold: float, keep: float, end: float) -> list[Episode]:
    """Firing episodes of one label set, from the evaluation times (a grid of `step`) that returned it.

    `hold` is the rule's `for`, `keep` its `keep_firing_for` (seconds); evaluations stop at `end`.
    """
    found: list[Episode] = []
    order = sorted(present)
    returned = set(order)
    upcoming = 0  # index in `order` of the next returning evaluation not yet visited
    pending_since: float | None = None
    fired_at: float | None = None
    missing_since: float | None = None
    t: float | None = order[0] if order else None
    while t is not None and t <= end:
        if t in returned:
            missing_since = None
            if fired_at is None and pending_since is None:
                pending_since = t
            if pending_since is not None and t - pending_since >= hold:
                fired_at, pending_since = t, None
        elif fired_at is not None:
            missing_since = t if missing_since is None else missing_since
            if t - missing_since >= keep:
                found.append(Episode(fired_at, t))
                fired_at = missing_since = None
        else:
            pending_since = None
        if fired_at is not None or pending_since is not None:
            t = round(t + step, 3)
            continue
        while upcoming < len(order) and order[upcoming] <= t:
            upcoming += 1  # idle: jump to the next evaluation that returns the label set
        t = order[upcoming] if upcoming < len(order) else None
    if fired_at is not None:
        found.append(Episode(fired_at, None))
    return found
