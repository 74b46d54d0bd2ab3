"""The Alertmanager a drill runs: its config (webhooks pointed at the capture), its API, and what it sent."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from futuramon import tools
from futuramon.drill import waiting
from futuramon.drill.capture import Capture, Notification, notification, redirect
from futuramon.drill.servers import Server
from futuramon.errors import FuturamonError
from futuramon.model import Stack
from futuramon.render import alertmanager, deployed
from futuramon.render.yamltext import to_yaml

DELIVERY_SECONDS = 15.0
INHIBITION_SECONDS = 5.0


def arguments(stack: Stack, folder: Path, capture: Capture) -> list[str]:
    """The rendered config, but webhook URL files point at the capture server and timers are 1s."""
    folder.mkdir(parents=True, exist_ok=True)
    config = deployed.alertmanager_config(stack)
    _shorten_timers(config["route"])
    redirect(config, folder, capture)
    (folder / alertmanager.TEMPLATE_FILE).write_text(alertmanager.message_templates())
    (folder / "alertmanager.yml").write_text(to_yaml(config))
    return [f"--config.file={folder / 'alertmanager.yml'}", f"--storage.path={folder / 'am-data'}",
            "--cluster.listen-address=", "--log.level=warn"]  # fmt: skip


def _shorten_timers(route: dict[str, Any], root: bool = True) -> None:
    """group_wait and group_interval of 1s on the root, and on every route below that sets its own (the operator's)."""
    for timer in ("group_wait", "group_interval"):
        if root or timer in route:
            route[timer] = "1s"
    for child in route.get("routes", []):
        _shorten_timers(child, root=False)


def routes_config(stack: Stack, folder: Path) -> Path:
    """The rendered Alertmanager config as it is deployed, for `amtool config routes test`."""
    folder.mkdir()
    (folder / alertmanager.TEMPLATE_FILE).write_text(alertmanager.message_templates())
    (folder / "alertmanager.yml").write_text(to_yaml(deployed.alertmanager_config(stack)))
    return folder / "alertmanager.yml"


def expected_receivers(routes: Path, labels: dict[str, str]) -> list[str]:
    """What `amtool config routes test` says the rendered config does with these labels."""
    result = tools.route(routes, labels)
    if result.code != 0:
        raise FuturamonError(f"amtool could not route {labels}: {result.output}")
    return [deployed.declared_receiver(name) for name in result.output.splitlines()[0].split(",")]


def message_count(stack: Stack, receivers: list[str]) -> int:
    return sum(len(r.integrations) for r in stack.receivers if r.name in receivers)


def messages(capture: Capture, since: int, count: int, alertname: str) -> list[Notification]:
    """The messages about `alertname` received after `since`, in arrival order, once `count` arrived
    (or the time ran out); then a short look for a late extra message, which would be a finding too."""

    def about() -> list[Notification]:
        return [n for n in (notification(p, b) for p, b in capture.since(since)) if f"] {alertname}" in n.title]

    waiting.until(about, lambda found: len(found) >= count, DELIVERY_SECONDS)
    return waiting.until(about, lambda found: len(found) > count, 0.3)


def api(url: str, payload: Any = None) -> Any:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        body = response.read()
    return json.loads(body) if body else None


def post(am: Server, labels: dict[str, str], annotations: dict[str, str], resolved: bool = False) -> None:
    now = datetime.now(UTC).isoformat()
    alert: dict[str, Any] = {"labels": labels, "annotations": annotations, "startsAt": now}
    if resolved:
        alert["endsAt"] = now
    api(f"{am.url}/api/v2/alerts", [alert])


def inhibited(am: Server, targets: list[str], expected: list[str]) -> list[str]:
    """The targets Alertmanager itself reports as inhibited (its API applies the inhibit rules): as soon as
    all targets arrived and the inhibited ones are the `expected` ones, or what it says when the time is up."""

    def look() -> tuple[set[str], list[str]]:
        alerts = api(f"{am.url}/api/v2/alerts")
        names = {a["labels"]["alertname"] for a in alerts} & set(targets)
        return names, sorted(a["labels"]["alertname"] for a in alerts
                             if a["labels"]["alertname"] in targets and a["status"]["inhibitedBy"])  # fmt: skip

    if not targets:
        return []
    _, found = waiting.until(look, lambda seen: seen[0] == set(targets) and seen[1] == sorted(expected),
                             INHIBITION_SECONDS)  # fmt: skip
    return found
