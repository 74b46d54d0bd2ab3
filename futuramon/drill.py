"""`drill`: fire an alert into a real Alertmanager and capture what Slack and Discord would receive.

The alert's firing state comes from its declared test case (proven by `promtool test rules` in
`validate`); its labels and annotations are the rendered ones. Only the webhook URL files are
replaced, by the address of a local capture server, and the routing timers are shortened
(group_wait and group_interval 1s) so that a drill takes seconds.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from futuramon import tools
from futuramon.errors import FuturamonError, Place, SpecError, ToolError
from futuramon.model import Alert, Stack
from futuramon.render import alertmanager, outputs
from futuramon.render.text import alert_annotations, alert_labels
from futuramon.render.yamltext import to_yaml

WAIT_SECONDS = 15.0


@dataclass
class Notification:
    receiver: str
    channel: str
    status: str
    title: str
    text: str
    color: str


@dataclass
class Drill:
    alert: str
    labels: dict[str, str]
    expected: list[str]
    fired: list[Notification] = field(default_factory=list)
    resolved: list[Notification] = field(default_factory=list)

    @property
    def delivered(self) -> list[str]:
        """Receivers that got the firing message, in routing order (Alertmanager sends them in parallel)."""
        got = {n.receiver for n in self.fired}
        return [r for r in self.expected if r in got] + sorted(got - set(self.expected))

    @property
    def ok(self) -> bool:
        return self.delivered == self.expected and {n.receiver for n in self.resolved} == set(self.expected)

    def text(self) -> str:
        verdict = "ok" if self.ok else "NOT DELIVERED AS ROUTED"
        lines = [
            f"{self.alert}: fired, expected {' → '.join(self.expected)}, delivered "
            f"{' → '.join(self.delivered) or 'nowhere'} [{verdict}]"
        ]
        for n in sorted(self.fired, key=lambda n: (self.delivered.index(n.receiver), n.channel)):
            lines.append(f"  {n.receiver} {n.channel} ({n.color}): {n.title}")
            lines.extend(f"    {line}" for line in n.text.strip().splitlines())
        resolved = sorted({f"{n.receiver} {n.channel}" for n in self.resolved})
        lines.append(f"  resolved message: {', '.join(resolved) or 'none arrived'}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "alert": self.alert,
            "labels": self.labels,
            "expected_receivers": self.expected,
            "delivered_receivers": self.delivered,
            "ok": self.ok,
            "firing": [n.__dict__ for n in self.fired],
            "resolved": [n.__dict__ for n in self.resolved],
        }


class _Capture(ThreadingHTTPServer):
    """Stands in for Slack and Discord: records every webhook body it is sent."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Capture

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.received.append((self.path, json.loads(body or b"{}")))
        self.send_response(200 if self.path == "/slack" else 204)
        self.end_headers()
        self.wfile.write(b"ok" if self.path == "/slack" else b"")

    def log_message(self, format: str, *args: Any) -> None:
        return


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _drill_config(stack: Stack, secrets: Path) -> dict[str, Any]:
    config = alertmanager.config(stack)
    config["route"]["group_wait"] = "1s"
    config["route"]["group_interval"] = "1s"
    for receiver in config["receivers"]:
        for slack in receiver.get("slack_configs", []):
            slack["api_url_file"] = str(secrets / "slack")
        for discord in receiver.get("discord_configs", []):
            discord["webhook_url_file"] = str(secrets / "discord")
    return config


def _expand(text: str, labels: dict[str, str], alert: Alert) -> str:
    """Prometheus' annotation templating, for what a drill can know: labels, and the threshold as the value."""
    text = re.sub(r"\{\{\s*\$labels\.(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), text)
    return re.sub(r"\{\{\s*\$value[^}]*\}\}", f"{alert.threshold:g} (at the threshold)", text)


def _notification(stack: Stack, path: str, body: dict[str, Any]) -> Notification:
    if path == "/slack":
        attachment = body["attachments"][0]
        channel = body.get("channel", "")
        receiver = next(r.name for r in stack.receivers for s in r.slack if s.channel == channel)
        status = "resolved" if attachment.get("color") == "good" else "firing"
        return Notification(
            receiver,
            channel,
            status,
            attachment.get("title", ""),
            attachment.get("text", ""),
            attachment.get("color", ""),
        )
    embed = body["embeds"][0]
    receiver = next(r.name for r in stack.receivers if r.discord)
    status = "resolved" if "RESOLVED" in embed.get("title", "") else "firing"
    return Notification(
        receiver, "discord", status, embed.get("title", ""), embed.get("description", ""), str(embed.get("color", ""))
    )


class Alertmanager:
    """A real Alertmanager on 127.0.0.1, in a temporary folder, stopped and removed on exit."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.folder = tempfile.TemporaryDirectory(prefix="futuramon-drill-")
        self.capture = _Capture()
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Alertmanager:
        root = Path(self.folder.name)
        port = self.capture.server_address[1]
        (root / "slack").write_text(f"http://127.0.0.1:{port}/slack")
        (root / "discord").write_text(f"http://127.0.0.1:{port}/discord")
        (root / alertmanager.TEMPLATE_FILE).write_text(alertmanager.message_templates())
        (root / "alertmanager.yml").write_text(to_yaml(_drill_config(self.stack, root)))
        threading.Thread(target=self.capture.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{_free_port()}"
        binary = tools.find("alertmanager")
        self.process = subprocess.Popen(
            [str(binary), f"--config.file={root / 'alertmanager.yml'}", f"--storage.path={root / 'data'}",
             f"--web.listen-address={self.url.removeprefix('http://')}", "--cluster.listen-address=",
             "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self._wait_ready()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.capture.shutdown()
        self.capture.server_close()
        self.folder.cleanup()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise ToolError(f"alertmanager exited at start: {error.strip()[-500:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise ToolError("alertmanager did not become ready in 20s")

    def post(self, labels: dict[str, str], annotations: dict[str, str], resolved: bool = False) -> None:
        now = datetime.now(UTC).isoformat()
        alert: dict[str, Any] = {"labels": labels, "annotations": annotations, "startsAt": now}
        if resolved:
            alert["endsAt"] = now
        request = urllib.request.Request(f"{self.url}/api/v2/alerts", data=json.dumps([alert]).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")  # fmt: skip
        with urllib.request.urlopen(request, timeout=5):
            pass

    def wait_for(self, count: int, since: int) -> list[tuple[str, dict[str, Any]]]:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            with self.capture.lock:
                got = self.capture.received[since:]
            if len(got) >= count:
                time.sleep(0.3)  # a late extra message would be a finding too
                with self.capture.lock:
                    return self.capture.received[since:]
            time.sleep(0.1)
        with self.capture.lock:
            return self.capture.received[since:]


def drill(stack: Stack, names: list[str]) -> list[Drill]:
    known = {a.name: a for a in stack.alerts}
    for name in names:
        if name not in known:
            raise SpecError(f"no alert named {name!r}; `futuramon list alerts` shows them")
    results = []
    with Alertmanager(stack) as manager:
        for name in names:
            results.append(_drill_one(stack, manager, known[name]))
    return results


def _drill_one(stack: Stack, manager: Alertmanager, alert: Alert) -> Drill:
    case = next((c for c in alert.tests if c.fires), None)
    if case is None:
        raise SpecError("a drill needs a test case in which the alert fires", outputs_place(alert))
    labels = {"alertname": alert.name, **case.labels, **alert_labels(alert)}
    annotations = {k: _expand(v, labels, alert) for k, v in alert_annotations(stack, alert).items()}
    expected = _expected_receivers(stack, labels)
    result = Drill(alert=alert.name, labels=labels, expected=expected)
    start = len(manager.capture.received)
    count = sum(len(r.slack) + len(r.discord) for r in stack.receivers if r.name in expected)
    manager.post(labels, annotations)
    result.fired = [_notification(stack, p, b) for p, b in manager.wait_for(count, start)]
    start = len(manager.capture.received)
    manager.post(labels, annotations, resolved=True)
    result.resolved = [_notification(stack, p, b) for p, b in manager.wait_for(count, start)]
    return result


def outputs_place(alert: Alert) -> Place:
    file, line = alert.origin
    return Place(file=file, line=line, obj=f"Alert {alert.name!r}", field="tests")


def _expected_receivers(stack: Stack, labels: dict[str, str]) -> list[str]:
    """What `amtool config routes test` says the rendered config does with these labels."""
    with tempfile.TemporaryDirectory(prefix="futuramon-routes-") as folder:
        (Path(folder) / outputs.TEMPLATES.split("/")[-1]).write_text(alertmanager.message_templates())
        (Path(folder) / "alertmanager.yml").write_text(to_yaml(alertmanager.config(stack)))
        result = tools.run("amtool", "config", "routes", "test", "--config.file=alertmanager.yml",
                           *[f"{k}={v}" for k, v in labels.items()], cwd=Path(folder))  # fmt: skip
    if result.code != 0:
        raise FuturamonError(f"amtool could not route {labels}: {result.output}")
    return result.output.splitlines()[0].split(",")
