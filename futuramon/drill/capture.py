"""A local stand-in for Slack and Discord: records every webhook body Alertmanager sends."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from futuramon.render import deployed


@dataclass(frozen=True)
class Notification:
    receiver: str
    channel: str
    status: str
    title: str
    text: str
    color: str


class Capture(ThreadingHTTPServer):
    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> Capture:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def since(self, start: int) -> list[tuple[str, dict[str, Any]]]:
        with self.lock:
            return self.received[start:]


class _Handler(BaseHTTPRequestHandler):
    server: Capture

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.received.append((self.path, json.loads(body or b"{}")))
        slack = self.path.startswith("/slack/")
        self.send_response(200 if slack else 204)
        self.end_headers()
        if slack:
            self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        return


def webhook_path(kind: str, receiver: str) -> str:
    """Each receiver's webhooks get their own path, so a message tells who it was for."""
    return f"/{kind}/{receiver}"


def redirect(config: dict[str, Any], folder: Path, capture: Capture) -> None:
    """Point the webhook URL files of a rendered Alertmanager config at the capture server (written into
    `folder`), one path per receiver."""
    for receiver in config["receivers"]:
        for kind, key in (("slack", "api_url_file"), ("discord", "webhook_url_file")):
            for settings in receiver.get(f"{kind}_configs", []):
                name = deployed.declared_receiver(receiver["name"])  # the operator's `namespace/object/name`
                secret = folder / f"{kind}-{name}"
                secret.write_text(capture.url + webhook_path(kind, name))
                settings[key] = str(secret)


def notification(path: str, body: dict[str, Any]) -> Notification:
    """What a person would see, from a Slack or Discord webhook body."""
    kind, receiver = path.strip("/").split("/", 1)
    if kind == "slack":
        attachment = body["attachments"][0]
        color = attachment.get("color", "")
        return Notification(receiver, body.get("channel", ""), "resolved" if color == "good" else "firing",
                            attachment.get("title", ""), attachment.get("text", ""), color)  # fmt: skip
    embed = body["embeds"][0]
    title = embed.get("title", "")
    return Notification(receiver, "discord", "resolved" if "RESOLVED" in title else "firing", title,
                        embed.get("description", ""), str(embed.get("color", "")))  # fmt: skip
