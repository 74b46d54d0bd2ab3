"""`futuramon drill` captures every receiver kind: each one's message, as its service would have received it."""

from __future__ import annotations

import json
import socket
import struct
import time
from pathlib import Path

import pytest

from futuramon.drill.capture import Capture

from .conftest import Cli
from .minimal_spec import MINIMAL

EVERY_KIND = MINIMAL.replace(
    "from futuramon.dsl import (", "from futuramon.dsl import (Email, Opsgenie, PagerDuty, Teams, Webhook, "
).replace(
    'Receiver(name="oncall", slack=(Slack(channel="#oncall", webhook_file="slack-webhook-url"),)),',
    """Receiver(name="oncall",
             slack=(Slack(channel="#oncall", webhook_file="slack-webhook-url"),),
             discord=(Discord(webhook_file="discord-webhook-url"),),
             pagerduty=(PagerDuty(routing_key_file="pagerduty-routing-key"),),
             opsgenie=(Opsgenie(api_key_file="opsgenie-api-key", priority="P1"),),
             email=(Email(to="oncall@example.com", sender="alertmanager@example.com",
                          smarthost="smtp.example.com:587", username="am", password_file="smtp-password"),),
             teams=(Teams(webhook_file="teams-webhook-url"),),
             webhook=(Webhook(url_file="webhook-url"),)),""",
)


def test_every_receiver_kind_is_captured(cli: Cli, tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "spec.py").write_text(EVERY_KIND)
    code, stdout, stderr = cli("drill", "ApiDown", "--specs", specs, "--format", "json")
    assert code == 0, stdout + stderr
    (result,) = json.loads(stdout)
    assert result["ok"] and result["delivered_receivers"] == ["oncall"]
    firing = {n["channel"]: n for n in result["firing"]}
    assert sorted(firing) == ["#oncall", "discord", "email", "opsgenie", "pagerduty", "teams", "webhook"]
    for channel in ("#oncall", "discord", "email", "opsgenie", "pagerduty", "teams"):
        assert firing[channel]["title"] == "[FIRING:1] ApiDown (api)", channel
    assert firing["webhook"]["title"] == "[FIRING:1] ApiDown"
    assert firing["pagerduty"]["color"] == "critical" and firing["opsgenie"]["color"] == "P1"
    assert (
        "API is down" in firing["email"]["text"]
        and "Runbook: https://runbooks.example.com/ApiDown.md" in (firing["email"]["text"])
    )
    assert "API is down" in firing["opsgenie"]["text"] and "API is down" in firing["teams"]["text"]


def test_a_receiver_that_hangs_up_mid_request_prints_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    """Alertmanager stopped while it sends: the drill's output stays free of socketserver's tracebacks."""
    capture = Capture()
    capture.daemon_threads = False  # so that leaving the block joins the request's handler thread
    with capture, socket.create_connection(capture.server_address[:2]) as peer:
        peer.sendall(b"POST /slack/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        deadline = time.monotonic() + 10
        while not vars(capture).get("_threads") and time.monotonic() < deadline:  # its handler reads the body
            time.sleep(0.01)
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = reset
    assert capsys.readouterr().err == ""
    assert capture.received == []
