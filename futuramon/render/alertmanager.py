"""The Alertmanager configuration, and the message templates it reads."""

from __future__ import annotations

from typing import Any

from futuramon import templates
from futuramon.model import (
    Discord,
    Email,
    Integration,
    Opsgenie,
    PagerDuty,
    Receiver,
    Route,
    Routing,
    Slack,
    Stack,
    Teams,
    TimeInterval,
    TimePeriod,
    Webhook,
)

TEMPLATE_FILE = "notifications.tmpl"


def message_templates() -> str:
    return templates.raw(f"alertmanager/{TEMPLATE_FILE}")


def config(stack: Stack) -> dict[str, Any]:
    routing = stack.routing
    rendered: dict[str, Any] = {
        "global": {"resolve_timeout": "5m"},
        "templates": [TEMPLATE_FILE],  # resolved next to the config file
        "route": _root(routing),
        "inhibit_rules": [
            {"source_matchers": list(rule.source), "target_matchers": list(rule.target), "equal": list(rule.equal)}
            for rule in routing.inhibit
        ],
        "receivers": [_receiver(stack, receiver) for receiver in stack.receivers],
    }
    if routing.time_intervals:
        rendered["time_intervals"] = [_time_interval(interval) for interval in routing.time_intervals]
    return rendered


def _root(routing: Routing) -> dict[str, Any]:
    return {
        "receiver": routing.receiver,
        "group_by": list(routing.group_by),
        "group_wait": routing.group_wait,
        "group_interval": routing.group_interval,
        "repeat_interval": routing.repeat_interval,
        "routes": [_route(route) for route in routing.routes],
    }


def _route(route: Route) -> dict[str, Any]:
    rendered: dict[str, Any] = {"matchers": list(route.matchers)}
    for field in ("receiver", "group_by", "group_wait", "group_interval", "repeat_interval"):
        value = getattr(route, field)
        if value is not None:
            rendered[field] = list(value) if isinstance(value, tuple) else value
    for field in ("mute_time_intervals", "active_time_intervals"):
        if getattr(route, field):
            rendered[field] = list(getattr(route, field))
    if route.routes:
        rendered["routes"] = [_route(child) for child in route.routes]
    rendered["continue"] = route.continue_
    return rendered


def _time_interval(interval: TimeInterval) -> dict[str, Any]:
    return {"name": interval.name, "time_intervals": [_period(period) for period in interval.periods]}


def _period(period: TimePeriod) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    if period.times:
        rendered["times"] = [{"start_time": t[:5], "end_time": t[6:]} for t in period.times]
    for field in ("weekdays", "days_of_month", "months", "years"):
        if getattr(period, field):
            rendered[field] = list(getattr(period, field))
    if period.location != "UTC":
        rendered["location"] = period.location
    return rendered


def _receiver(stack: Stack, receiver: Receiver) -> dict[str, Any]:
    secrets = stack.settings.secret_dir.rstrip("/")
    rendered: dict[str, Any] = {"name": receiver.name}
    for integration in receiver.integrations:
        kind, settings = _integration(integration, secrets)
        rendered.setdefault(kind, []).append(settings)
    return rendered


_TITLE = '{{ template "futuramon.title" . }}'
_TEXT = '{{ template "futuramon.text" . }}'


def _integration(integration: Integration, secrets: str) -> tuple[str, dict[str, Any]]:
    """The `*_configs` key and the settings of one integration; every secret is read from a file."""
    match integration:
        case Slack():
            return "slack_configs", {
                "api_url_file": f"{secrets}/{integration.webhook_file}",
                "channel": integration.channel,
                "send_resolved": integration.send_resolved,
                "color": '{{ template "futuramon.color" . }}',
                "title": _TITLE,
                "text": '{{ template "futuramon.slack.text" . }}',
            }
        case Discord():
            return "discord_configs", {
                "webhook_url_file": f"{secrets}/{integration.webhook_file}",
                "send_resolved": integration.send_resolved,
                "title": _TITLE,
                "message": '{{ template "futuramon.discord.text" . }}',
            }
        case PagerDuty():
            return "pagerduty_configs", {
                "routing_key_file": f"{secrets}/{integration.routing_key_file}",
                "send_resolved": integration.send_resolved,
                "description": _TITLE,
                "severity": '{{ template "futuramon.pagerduty.severity" . }}',
            }
        case Opsgenie():
            settings = {
                "api_key_file": f"{secrets}/{integration.api_key_file}",
                "send_resolved": integration.send_resolved,
                "message": _TITLE,
                "description": _TEXT,
            }
            return "opsgenie_configs", settings | ({"priority": integration.priority} if integration.priority else {})
        case Email():
            login = {"auth_username": integration.username} if integration.username else {}
            if integration.password_file:
                login["auth_password_file"] = f"{secrets}/{integration.password_file}"
            return "email_configs", {
                "to": integration.to,
                "from": integration.sender,
                "smarthost": integration.smarthost,
                **login,
                "send_resolved": integration.send_resolved,
                "headers": {"Subject": _TITLE},
                "html": "",  # plain text only: Alertmanager's default HTML template is not in every build
                "text": _TEXT,
            }
        case Teams():
            return "msteamsv2_configs", {
                "webhook_url_file": f"{secrets}/{integration.webhook_file}",
                "send_resolved": integration.send_resolved,
                "title": _TITLE,
                "text": _TEXT,
            }
        case Webhook():
            return "webhook_configs", {
                "url_file": f"{secrets}/{integration.url_file}",
                "send_resolved": integration.send_resolved,
                "max_alerts": integration.max_alerts,
            }
