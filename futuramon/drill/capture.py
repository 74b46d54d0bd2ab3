"""A local stand-in for every receiver kind: records each webhook body (Slack, Discord, PagerDuty, Opsgenie,
Microsoft Teams, generic webhooks) and each e-mail Alertmanager sends."""

from __future__ import annotations

import email
import email.policy
import json
import socketserver
import sys
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


class HangUpQuiet(socketserver.BaseServer):
    """A server for which a peer that hangs up mid-request (Alertmanager stopped while it sends) is no error:
    socketserver would print its traceback into the user's terminal."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Capture(HangUpQuiet, ThreadingHTTPServer):
    """HTTP for the webhooks, and beside it an SMTP server for e-mail (`smarthost`)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.mail = _MailServer(self)
        self.smarthost = f"127.0.0.1:{self.mail.server_address[1]}"

    def __enter__(self) -> Capture:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        threading.Thread(target=self.mail.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in (self, self.mail):
            server.shutdown()
            server.server_close()

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
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok" if self.path.startswith("/slack/") else b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        return


class _MailServer(HangUpQuiet, socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self, capture: Capture) -> None:
        self.capture = capture
        super().__init__(("127.0.0.1", 0), _Mail)


class _Mail(socketserver.StreamRequestHandler):
    """Just enough SMTP for Alertmanager (no TLS, no auth): each message is recorded as /email/<receiver>,
    the receiver named by the local part of its recipient."""

    server: _MailServer

    def handle(self) -> None:
        self._reply("220 futuramon drill")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].decode(errors="replace").upper()
            if verb == "RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
            if verb == "DATA":
                self._reply("354 end with <CRLF>.<CRLF>")
                self._record(recipients, self._data())
                recipients = []
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            self._reply("250 ok")

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    def _record(self, recipients: list[str], data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        part = message.get_body(("plain", "html"))
        text = part.get_content() if part is not None else ""
        body = {"subject": str(message["Subject"] or ""), "text": text}
        with self.server.capture.lock:
            self.server.capture.received.extend((f"/email/{r.split('@')[0]}", body) for r in recipients)


def webhook_path(kind: str, receiver: str) -> str:
    """Each receiver's webhooks get their own path, so a message tells who it was for."""
    return f"/{kind}/{receiver}"


_URL_FILES = {"slack_configs": "api_url_file", "discord_configs": "webhook_url_file",
              "msteamsv2_configs": "webhook_url_file", "webhook_configs": "url_file"}  # fmt: skip
_KEY_FILES = {"pagerduty_configs": ("routing_key_file", "url"), "opsgenie_configs": ("api_key_file", "api_url")}


def redirect(config: dict[str, Any], folder: Path, capture: Capture) -> None:
    """Point every receiver of a rendered Alertmanager config at the capture (files written into `folder`),
    one path per receiver and kind: webhook URL files hold the capture's URL, PagerDuty and Opsgenie keep a
    dummy key and post to the capture, e-mail goes to its SMTP server as <receiver>@drill.invalid."""
    for receiver in config["receivers"]:
        name = deployed.declared_receiver(receiver["name"])  # the operator's `namespace/object/name`
        for kind, configs in receiver.items():
            prefix = kind.removesuffix("_configs")
            for settings in configs if kind.endswith("_configs") else []:
                if kind in _URL_FILES:
                    settings[_URL_FILES[kind]] = _file(
                        folder, f"{prefix}-{name}", capture.url + webhook_path(prefix, name)
                    )
                elif kind in _KEY_FILES:
                    key, url = _KEY_FILES[kind]
                    settings[key] = _file(folder, f"{prefix}-{name}-key", "drill")
                    settings[url] = capture.url + webhook_path(prefix, name) + "/"
                elif kind == "email_configs":
                    settings.update(to=f"{name}@drill.invalid", smarthost=capture.smarthost, require_tls=False)
                    settings.pop("auth_username", None)
                    settings.pop("auth_password_file", None)


def _file(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text)
    return str(folder / name)


def notification(path: str, body: dict[str, Any]) -> Notification:
    """What a person would see, from the body one receiver kind was sent."""
    kind, rest = path.strip("/").split("/", 1)
    receiver = rest.split("/")[0]
    match kind:
        case "slack":
            attachment = body["attachments"][0]
            color = attachment.get("color", "")
            return Notification(receiver, body.get("channel", ""), "resolved" if color == "good" else "firing",
                                attachment.get("title", ""), attachment.get("text", ""), color)  # fmt: skip
        case "discord":
            embed = body["embeds"][0]
            return _titled(receiver, "discord", embed.get("title", ""), embed.get("description", ""),
                           str(embed.get("color", "")))  # fmt: skip
        case "pagerduty":
            payload = body.get("payload", {})
            return Notification(receiver, "pagerduty", "resolved" if body.get("event_action") == "resolve" else
                                "firing", payload.get("summary", ""), "", payload.get("severity", ""))  # fmt: skip
        case "opsgenie":
            closed = path.rstrip("/").endswith("/close")
            return Notification(receiver, "opsgenie", "resolved" if closed else "firing", body.get("message", ""),
                                body.get("description", ""), body.get("priority", ""))  # fmt: skip
        case "msteamsv2":
            blocks = body["attachments"][0]["content"]["body"]
            return _titled(receiver, "teams", blocks[0].get("text", ""),
                           "\n".join(b.get("text", "") for b in blocks[1:]), blocks[0].get("color", ""))  # fmt: skip
        case "email":
            return _titled(receiver, "email", body["subject"], body["text"], "")
        case _:
            firing = [a for a in body.get("alerts", []) if a.get("status") == "firing"]
            status = body.get("status", "firing")
            count = f":{len(firing)}" if status == "firing" else ""
            title = f"[{status.upper()}{count}] {body.get('commonLabels', {}).get('alertname', '')}"
            return Notification(receiver, "webhook", status, title, "", "")


def _titled(receiver: str, channel: str, title: str, text: str, color: str) -> Notification:
    return Notification(receiver, channel, "resolved" if "RESOLVED" in title else "firing", title, text, color)
