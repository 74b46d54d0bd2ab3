"""Replay firing alerts into a real Alertmanager, time compressed, and collect what it sends.

The rendered routing is used as it is, with group_wait, group_interval and repeat_interval divided by
FACTOR; an alert is posted when it fires and posted resolved when it ends, as Prometheus does.
"""

from __future__ import annotations

import json
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from futuramon.drill.capture import Capture, notification, redirect
from futuramon.drill.servers import Server
from futuramon.live.notify import Firing
from futuramon.model import Stack, duration_seconds
from futuramon.render import alertmanager
from futuramon.render.yamltext import to_yaml

FACTOR = 120  # one simulated minute is half a real second


def _scaled(value: str) -> str:
    return f"{int(duration_seconds(value) * 1000 / FACTOR)}ms"


def _config(stack: Stack, folder: Path, capture: Capture) -> Path:
    config = alertmanager.config(stack)
    route = config["route"]
    for key in ("group_wait", "group_interval", "repeat_interval"):
        route[key] = _scaled(route[key])
    for child in route["routes"]:
        if "repeat_interval" in child:
            child["repeat_interval"] = _scaled(child["repeat_interval"])
    redirect(config, folder, capture)
    (folder / alertmanager.TEMPLATE_FILE).write_text(alertmanager.message_templates())
    (folder / "alertmanager.yml").write_text(to_yaml(config))
    return folder / "alertmanager.yml"


def _post(url: str, labels: dict[str, str], starts: str, ends: str | None) -> None:
    alert: dict[str, Any] = {"labels": labels, "startsAt": starts}
    if ends is not None:
        alert["endsAt"] = ends
    request = urllib.request.Request(f"{url}/api/v2/alerts", data=json.dumps([alert]).encode(),
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=5):
        pass


def replay(stack: Stack, firings: list[Firing], start: float, end: float) -> Counter[tuple[str, str, str]]:
    """(receiver, integration kind, firing|resolved) → messages a real Alertmanager sent."""
    events = sorted([(f.start, "fire", f) for f in firings] +
                    [(f.end, "resolve", f) for f in firings if f.end is not None], key=lambda e: e[0])  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="futuramon-replay-") as scratch, Capture() as capture:
        folder = Path(scratch)
        args = [f"--config.file={_config(stack, folder, capture)}", f"--storage.path={folder / 'data'}",
                "--cluster.listen-address=", "--log.level=warn"]  # fmt: skip
        with Server("alertmanager", args, folder) as am:
            zero = time.monotonic() + 0.5
            posted: dict[tuple[tuple[str, str], ...], str] = {}
            for t, kind, firing in events:
                time.sleep(max(zero + (t - start) / FACTOR - time.monotonic(), 0))
                now = datetime.now(UTC).isoformat()
                if kind == "fire":
                    posted[firing.labels] = now
                    _post(am.url, dict(firing.labels), now, None)
                else:
                    _post(am.url, dict(firing.labels), posted[firing.labels], now)
            time.sleep(max(zero + (end - start) / FACTOR - time.monotonic(), 0))
            received = capture.since(0)
    found = Counter[tuple[str, str, str]]()
    for path, body in received:
        message = notification(path, body)
        found[(message.receiver, path.split("/")[1], message.status)] += 1
    return found
