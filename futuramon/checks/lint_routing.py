"""Lint rules on routing: every alert is heard, no route is dead, every inhibit rule is scoped."""

from __future__ import annotations

from futuramon.checks.base import Check, Context, Problem
from futuramon.render.text import alert_labels


def alerts_reach_receivers(ctx: Context, check: Check) -> list[Problem]:
    routing = ctx.stack.routing
    known = {r.name for r in ctx.stack.receivers}
    problems = []
    for alert in ctx.stack.alerts:
        reached = [r for r in routing.receivers_for(alert_labels(alert)) if r in known]
        if not reached:
            problems.append(check.problem(ctx.where(alert), f"alert {alert.name} reaches no receiver"))
    for index, route in enumerate(routing.routes, start=1):
        if route.receiver not in known:
            problems.append(
                check.problem(ctx.where(route), f"route #{index} sends to unknown receiver {route.receiver!r}")
            )
    return problems


def unreachable_routes(ctx: Context, check: Check) -> list[Problem]:
    """A route is dead when an earlier route without `continue` already takes everything it matches."""
    routes = ctx.stack.routing.routes
    problems = []
    for index, route in enumerate(routes):
        for earlier_index, earlier in enumerate(routes[:index]):
            if not earlier.continue_ and set(earlier.matchers) <= set(route.matchers):
                problems.append(
                    check.problem(
                        ctx.where(route),
                        f"route #{index + 1} ({', '.join(route.matchers)}) is unreachable: route #{earlier_index + 1} "
                        f"({', '.join(earlier.matchers)}) takes all its alerts and does not continue",
                    )
                )
                break
    return problems


def inhibit_equal(ctx: Context, check: Check) -> list[Problem]:
    return [
        check.problem(ctx.where(rule), "inhibit rule has no `equal`: it would mute alerts of every cluster")
        for rule in ctx.stack.routing.inhibit
        if not rule.equal
    ]


CHECKS = [
    Check(
        "alerts-reach-receivers", "error", "every alert and route reaches an existing receiver", alerts_reach_receivers
    ),
    Check(
        "unreachable-routes",
        "error",
        "no route is shadowed by an earlier route that does not continue",
        unreachable_routes,
    ),
    Check("inhibit-equal", "error", "every inhibit rule names the labels that must be equal", inhibit_equal),
]
