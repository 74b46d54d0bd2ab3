"""One `Stack` per environment: the shared declarations with an environment's values and overrides applied.

Strings anywhere in the shared objects may name `{namespace}`, `{cluster}`, `{environment}` or a key of
the environment's `values`; each is replaced by that environment's value (`{{namespace}}`, a Go template
or a Grafana legend, is left alone). So a staging rule reads the staging namespace: it cannot watch production.
"""

from __future__ import annotations

from dataclasses import dataclass

from futuramon.errors import Place, SpecError
from futuramon.model import Alert, Dashboard, Environment, Metric, Receiver, Routing, RuleGroup, Settings, Stack, filler


@dataclass(frozen=True)
class Shared:
    """What the specs declare once, for every environment."""

    settings: Settings
    rule_groups: tuple[RuleGroup, ...]
    dashboards: tuple[Dashboard, ...]
    receivers: tuple[Receiver, ...]
    routing: Routing | None
    metrics: tuple[Metric, ...]


def stack(shared: Shared, environment: Environment) -> Stack:
    """The stack one environment deploys."""
    _check_names(shared, environment)
    settings = shared.settings
    namespace = environment.namespace or settings.namespace
    fill = filler(environment.placeholders(namespace))
    routing = environment.routing or shared.routing
    if routing is None:
        raise SpecError(
            "no routing: declare one shared Routing, or give this environment its own",
            _place(environment, "routing"),
        )
    settings = settings.model_copy(
        update={
            "namespace": namespace,
            "runbook_base_url": environment.runbook_base_url or settings.runbook_base_url,
            "grafana_url": environment.grafana_url or settings.grafana_url,
        }
    )
    groups, dormant = _rule_groups(shared.rule_groups, environment)
    return Stack(
        settings=fill(settings),
        rule_groups=tuple(fill(g) for g in groups),
        dashboards=tuple(fill(_renamed(d, environment)) for d in shared.dashboards),
        receivers=tuple(fill(r) for r in environment.receivers or shared.receivers),
        routing=fill(routing),
        metrics=shared.metrics,
        environment=environment,
        dormant=tuple(fill(a) for a in dormant),
    )


def _rule_groups(groups: tuple[RuleGroup, ...], environment: Environment) -> tuple[list[RuleGroup], list[Alert]]:
    """The groups with each alert's overrides applied, and the alerts switched off here set aside."""
    kept: list[RuleGroup] = []
    dormant: list[Alert] = []
    for group in groups:
        alerts = [_overridden(a, environment) for a in group.alerts]
        dormant.extend(a for a in alerts if a.name in environment.disabled)
        enabled = tuple(a for a in alerts if a.name not in environment.disabled)
        if enabled or len(enabled) == len(alerts) or group.recordings or group.verbatim:  # not emptied here
            kept.append(group.model_copy(update={"alerts": enabled}))
    if not kept:
        raise SpecError("every rule is switched off: nothing would be rendered", _place(environment, "disabled"))
    return kept, dormant


def _overridden(alert: Alert, environment: Environment) -> Alert:
    override = environment.overrides.get(alert.name)
    changes = override.changes() if override is not None else {}
    if environment.alert_labels:
        changes["labels"] = dict(sorted({**alert.labels, **environment.alert_labels}.items()))
    return alert.model_copy(update=changes) if changes else alert


def _renamed(dashboard: Dashboard, environment: Environment) -> Dashboard:
    """The dashboard under this environment's uid and title; its links follow the dashboards they open."""
    renames = environment.dashboards
    override = renames.get(dashboard.uid)
    links = tuple(link.model_copy(update={"to": renames[link.to].uid}) if link.to in renames else link
                  for link in dashboard.links)  # fmt: skip
    own = {"uid": override.uid, "title": override.title} if override else {}
    return dashboard.model_copy(update={"links": links, **own})


def _check_names(shared: Shared, environment: Environment) -> None:
    placeholders = environment.placeholders(environment.namespace or shared.settings.namespace)
    for group in shared.rule_groups:
        both = sorted(set(group.keys) & set(placeholders))
        if both:
            file, line = group.origin
            place = Place(file=file, line=line or None, obj=f"RuleGroup {group.name!r}", field="for_each")
            message = f"stamps out {', '.join(both)}, which environment {environment.name!r} fills in itself"
            raise SpecError(message + ": name the parameter otherwise", place)
    alerts = sorted(a.name for g in shared.rule_groups for a in g.alerts)
    for field, names in (("overrides", list(environment.overrides)), ("disabled", list(environment.disabled))):
        for name in names:
            if name not in alerts:
                raise SpecError(f"no alert named {name!r}; known: {', '.join(alerts)}", _place(environment, field))
    uids = sorted(d.uid for d in shared.dashboards)
    for uid in environment.dashboards:
        if uid not in uids:
            raise SpecError(
                f"no dashboard with uid {uid!r}; known: {', '.join(uids)}", _place(environment, "dashboards")
            )


def _place(environment: Environment, field: str) -> Place:
    file, line = environment.origin
    return Place(file=file, line=line or None, obj=f"Environment {environment.name!r}", field=field)
