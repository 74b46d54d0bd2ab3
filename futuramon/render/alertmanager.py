"""The Alertmanager configuration, and the message templates it reads."""

from __future__ import annotations

from typing import Any

from futuramon import templates
from futuramon.model import Receiver, Route, Routing, Stack

TEMPLATE_FILE = "notifications.tmpl"


def message_templates() -> str:
    return templates.raw(f"alertmanager/{TEMPLATE_FILE}")


def config(stack: Stack) -> dict[str, Any]:
    return {
        "global": {"resolve_timeout": "5m"},
        "templates": [TEMPLATE_FILE],  # resolved next to the config file
        "route": _root(stack.routing),
        "inhibit_rules": [
            {"source_matchers": list(rule.source), "target_matchers": list(rule.target), "equal": list(rule.equal)}
            for rule in stack.routing.inhibit
        ],
        "receivers": [_receiver(stack, receiver) for receiver in stack.receivers],
    }


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
    rendered: dict[str, Any] = {"matchers": list(route.matchers), "receiver": route.receiver}
    if route.repeat_interval:
        rendered["repeat_interval"] = route.repeat_interval
    rendered["continue"] = route.continue_
    return rendered


def _receiver(stack: Stack, receiver: Receiver) -> dict[str, Any]:
    secrets = stack.settings.secret_dir.rstrip("/")
    rendered: dict[str, Any] = {"name": receiver.name}
    if receiver.slack:
        rendered["slack_configs"] = [
            {
                "api_url_file": f"{secrets}/{slack.webhook_file}",
                "channel": slack.channel,
                "send_resolved": slack.send_resolved,
                "color": '{{ template "futuramon.color" . }}',
                "title": '{{ template "futuramon.title" . }}',
                "text": '{{ template "futuramon.slack.text" . }}',
            }
            for slack in receiver.slack
        ]
    if receiver.discord:
        rendered["discord_configs"] = [
            {
                "webhook_url_file": f"{secrets}/{discord.webhook_file}",
                "send_resolved": discord.send_resolved,
                "title": '{{ template "futuramon.title" . }}',
                "message": '{{ template "futuramon.discord.text" . }}',
            }
            for discord in receiver.discord
        ]
    return rendered
