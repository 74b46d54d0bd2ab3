"""Lint rules on routing: every alert is routed on purpose, no route is dead, every inhibit rule is scoped."""

from __future__ import annotations

from collections.abc import Iterator

from futuramon.checks.base import Check, Context, Finding
from futuramon.checks.labels import can_match, carried, static_labels


def root_fallback(ctx: Context) -> Iterator[Finding]:
    """An alert no child route takes reaches the root receiver only because nothing else did."""
    routing = ctx.stack.routing
    for alert in ctx.stack.alerts:
        if not routing.matching_paths(static_labels(alert)):
            yield Finding(ctx.where(alert), f"alert {alert.name} matches no route: it reaches the root receiver "
                                            f"{routing.receiver!r} only by fallback")  # fmt: skip


def unreachable_routes(ctx: Context) -> Iterator[Finding]:
    """A route is dead when an earlier sibling without `continue` already takes everything it matches."""
    routing = ctx.stack.routing
    levels = [("", routing.routes)] + [(f"{number}.", path[-1].routes) for number, path in routing.numbered()]
    for prefix, routes in levels:
        for index, route in enumerate(routes):
            for earlier_index, earlier in enumerate(routes[:index]):
                if not earlier.continue_ and set(earlier.matchers) <= set(route.matchers):
                    yield Finding(ctx.where(route), f"route #{prefix}{index + 1} ({', '.join(route.matchers)}) is "
                                                    f"unreachable: route #{prefix}{earlier_index + 1} "
                                                    f"({', '.join(earlier.matchers)}) takes all its alerts and does "
                                                    "not continue")  # fmt: skip
                    break


def inhibit_coverage(ctx: Context) -> Iterator[Finding]:
    """Alertmanager counts a label missing on both sides as equal: a source alert without an `equal` label
    mutes every target alert without it, in every cluster and service."""
    alerts = ctx.once("carried", lambda: carried(ctx.stack))
    for rule in ctx.stack.routing.inhibit:
        sources = [(a, labels) for a, labels in alerts if can_match(rule.source, a, labels)]
        targets = [(a, labels) for a, labels in alerts if can_match(rule.target, a, labels)]
        for label in rule.equal:
            # by name: the copies of a stamped alert share one, and the message names each once
            muted = list(dict.fromkeys(a.name for a, labels in targets if labels is not None and label not in labels))
            lacking = {source.name: source for source, labels in sources if labels is not None and label not in labels}
            for source in lacking.values() if muted else ():
                yield Finding(ctx.where(rule), f"inhibit rule {rule.describe()}: alert {source.name} does not "
                                                   f"carry label {label!r}, so it mutes {', '.join(muted)} (which lack "
                                                   f"it too) everywhere; keep {label!r} in its expression or require "
                                                   f'it on the source ({label}=~".+")')  # fmt: skip


CHECKS = [
    Check(
        "root-fallback", "warning", "every alert is taken by a route, not only by the root's fallback", root_fallback
    ),
    Check(
        "unreachable-routes",
        "error",
        "no route is shadowed by an earlier route that does not continue",
        unreachable_routes,
    ),
    Check(
        "inhibit-coverage",
        "error",
        "every inhibit rule's `equal` labels are carried by the alerts it can mute with",
        inhibit_coverage,
    ),
]
