"""An `alertmanager.yml` → receivers, the routing tree, time intervals and inhibit rules.

Secrets are never copied into a spec: an integration must read its secret from a file (`*_file`); one
written inline is left out, with a comment saying which key of the Secret to put it in."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import Any

from futuramon.errors import SpecError
from futuramon.model import (
    Discord,
    Email,
    Inhibit,
    Integration,
    Opsgenie,
    PagerDuty,
    Receiver,
    Route,
    Routing,
    Slack,
    Teams,
    TimeInterval,
    TimePeriod,
    Webhook,
)

# What futuramon renders for every receiver of a kind (its message templates): not a difference.
_RENDERED = {
    "slack_configs": {"color", "title", "text"},
    "discord_configs": {"title", "message"},
    "pagerduty_configs": {"description", "severity"},
    "opsgenie_configs": {"message", "description"},
    "email_configs": {"headers", "html", "text"},
    "msteamsv2_configs": {"title", "text"},
    "webhook_configs": set(),
}
_SECRET_KEY = {
    "slack_configs": "api_url_file",
    "discord_configs": "webhook_url_file",
    "pagerduty_configs": "routing_key_file",
    "opsgenie_configs": "api_key_file",
    "email_configs": "auth_password_file",
    "msteamsv2_configs": "webhook_url_file",
    "webhook_configs": "url_file",
}
_ROOT_DEFAULTS = {"group_wait": "30s", "group_interval": "5m", "repeat_interval": "4h"}  # Alertmanager's own


@dataclass
class ImportedRouting:
    receivers: list[Receiver]
    routing: Routing
    secret_dir: str | None
    left_out: list[str] = field(default_factory=list)


def import_config(config: dict[str, Any]) -> ImportedRouting:
    left_out: list[str] = []
    secret_dirs: set[str] = set()
    known = {k: v for k, v in config.items() if k not in ("route", "receivers", "inhibit_rules", "time_intervals",
                                                          "mute_time_intervals", "templates", "global")}  # fmt: skip
    if known:
        left_out.append(f"not imported: {', '.join(sorted(known))}\n{_json(known)}")
    if (config.get("global") or {}) not in ({}, {"resolve_timeout": "5m"}):
        left_out.append(f"global settings futuramon does not render:\n{_json(config['global'])}")
    receivers = [_receiver(raw, secret_dirs, left_out) for raw in config.get("receivers") or []]
    root = config.get("route") or {}
    intervals = [*(config.get("time_intervals") or []), *(config.get("mute_time_intervals") or [])]
    try:
        routing = Routing(
            receiver=root["receiver"],
            group_by=tuple(root.get("group_by") or ()),
            **{k: root.get(k, default) for k, default in _ROOT_DEFAULTS.items()},
            routes=tuple(_route(raw) for raw in root.get("routes") or []),
            time_intervals=tuple(_interval(raw) for raw in intervals),
            inhibit=tuple(_inhibit(raw) for raw in config.get("inhibit_rules") or []),
        )
    except (SpecError, KeyError) as error:
        raise SpecError(f"the routing of this alertmanager.yml cannot be expressed: {error}") from None
    if len(secret_dirs) > 1:
        raise SpecError(f"secrets are read from several folders ({', '.join(sorted(secret_dirs))}); futuramon "
                        "mounts one Secret: move them into one folder first")  # fmt: skip
    return ImportedRouting(receivers, routing, next(iter(secret_dirs), None), left_out)


def _receiver(raw: dict[str, Any], secret_dirs: set[str], left_out: list[str]) -> Receiver:
    name = raw["name"]
    made: dict[str, list[Integration]] = {}
    for kind, configs in raw.items():
        if kind == "name":
            continue
        if kind not in _RENDERED:
            left_out.append(f"receiver {name!r}: futuramon has no {kind}\n{_json(configs)}")
            continue
        for settings in configs:
            integration = _integration(kind, settings, secret_dirs, f"receiver {name!r} ({kind})", left_out)
            if integration is not None:
                made.setdefault(_FIELD[kind], []).append(integration)
    fields: dict[str, Any] = {k: tuple(v) for k, v in made.items()}
    try:
        return Receiver(name=name, **fields)
    except SpecError as error:
        raise SpecError(f"receiver {name!r} cannot be imported: {error.message}") from None


_FIELD = {"slack_configs": "slack", "discord_configs": "discord", "pagerduty_configs": "pagerduty",
          "opsgenie_configs": "opsgenie", "email_configs": "email", "msteamsv2_configs": "teams",
          "webhook_configs": "webhook"}  # fmt: skip


def _integration(
    kind: str, settings: dict[str, Any], secret_dirs: set[str], where: str, left_out: list[str]
) -> Integration | None:
    path = settings.get(_SECRET_KEY[kind])
    if path is None and kind != "email_configs":
        left_out.append(f"{where}: not imported, its secret is inline or missing (and not copied here): put it "
                        "into the Secret and name its key in the spec")  # fmt: skip
        return None
    if path is not None:
        secret_dirs.add(posixpath.dirname(path))
    secret = posixpath.basename(str(path))
    common = {"send_resolved": bool(settings.get("send_resolved", kind != "email_configs"))}
    used = {_SECRET_KEY[kind], "send_resolved", *_RENDERED[kind]}
    match kind:
        case "slack_configs":
            made: Integration = Slack(channel=settings.get("channel", ""), webhook_file=secret, **common)
            used.add("channel")
        case "discord_configs":
            made = Discord(webhook_file=secret, **common)
        case "pagerduty_configs":
            made = PagerDuty(routing_key_file=secret, **common)
        case "opsgenie_configs":
            made = Opsgenie(api_key_file=secret, priority=settings.get("priority"), **common)
            used.add("priority")
        case "email_configs":
            made = Email(to=settings["to"], sender=settings["from"], smarthost=settings["smarthost"],
                         username=settings.get("auth_username", ""), password_file=secret if path else None,
                         **common)  # fmt: skip
            used |= {"to", "from", "smarthost", "auth_username"}
        case "msteamsv2_configs":
            made = Teams(webhook_file=secret, **common)
        case _:
            made = Webhook(url_file=secret, max_alerts=settings.get("max_alerts", 0), **common)
            used.add("max_alerts")
    unread = {k: v for k, v in settings.items() if k not in used}
    if unread:
        left_out.append(f"{where}: not imported: {', '.join(sorted(unread))}\n{_json(unread)}")
    return made


def _matchers(raw: dict[str, Any], prefix: str = "") -> tuple[str, ...]:
    """`matchers`, and the older `match` / `match_re` written as matchers."""
    found = list(raw.get(f"{prefix}matchers") or [])
    found += [f"{k}={json.dumps(str(v))}" for k, v in (raw.get(f"{prefix}match") or {}).items()]
    found += [f"{k}=~{json.dumps(str(v))}" for k, v in (raw.get(f"{prefix}match_re") or {}).items()]
    return tuple(found)


def _route(raw: dict[str, Any]) -> Route:
    return Route(
        matchers=_matchers(raw),
        receiver=raw.get("receiver"),
        group_by=tuple(raw["group_by"]) if "group_by" in raw else None,
        group_wait=raw.get("group_wait"),
        group_interval=raw.get("group_interval"),
        repeat_interval=raw.get("repeat_interval"),
        mute_time_intervals=tuple(raw.get("mute_time_intervals") or ()),
        active_time_intervals=tuple(raw.get("active_time_intervals") or ()),
        routes=tuple(_route(child) for child in raw.get("routes") or []),
        continue_=bool(raw.get("continue", False)),
    )


def _interval(raw: dict[str, Any]) -> TimeInterval:
    periods = []
    for period in raw.get("time_intervals") or []:
        periods.append(TimePeriod(
            weekdays=tuple(period.get("weekdays") or ()),
            times=tuple(f"{t['start_time']}-{t['end_time']}" for t in period.get("times") or ()),
            days_of_month=tuple(str(d) for d in period.get("days_of_month") or ()),
            months=tuple(str(m) for m in period.get("months") or ()),
            years=tuple(str(y) for y in period.get("years") or ()),
            location=period.get("location", "UTC"),
        ))  # fmt: skip
    return TimeInterval(name=raw["name"], periods=tuple(periods))


def _inhibit(raw: dict[str, Any]) -> Inhibit:
    return Inhibit(source=_matchers(raw, "source_"), target=_matchers(raw, "target_"), equal=tuple(raw.get("equal")
                   or ()))  # fmt: skip


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True)
