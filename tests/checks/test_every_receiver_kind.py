"""Every receiver kind renders into a config amtool accepts, reads its secret from a file, and never inline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from futuramon.errors import SpecError
from futuramon.model import Discord, Email, Model, Opsgenie, PagerDuty, Receiver, Slack, Teams, Webhook
from futuramon.render import outputs

from ..minimal_spec import MINIMAL
from .conftest import Run

EVERY_KIND = MINIMAL.replace(
    "from futuramon.dsl import (", "from futuramon.dsl import (Email, Opsgenie, PagerDuty, Teams, Webhook, "
).replace(
    'Receiver(name="chat", discord=(Discord(webhook_file="discord-webhook-url"),)),',
    """Receiver(name="chat",
             discord=(Discord(webhook_file="discord-webhook-url"),),
             pagerduty=(PagerDuty(routing_key_file="pagerduty-routing-key"),),
             opsgenie=(Opsgenie(api_key_file="opsgenie-api-key", priority="P1"),),
             email=(Email(to="oncall@example.com", sender="alertmanager@example.com",
                          smarthost="smtp.example.com:587", username="alertmanager",
                          password_file="smtp-password"),),
             teams=(Teams(webhook_file="teams-webhook-url"),),
             webhook=(Webhook(url_file="webhook-url", max_alerts=10),)),""",
)


@pytest.mark.parametrize("check", ["amtool-check-config", "message-templates", "no-secrets"])
def test_every_kind_passes(run_check: Run, check: str) -> None:
    assert run_check(check, spec=EVERY_KIND) == []


def test_every_kind_reads_its_secret_from_a_file(run_check: Run, tmp_path: Path) -> None:
    run_check("no-secrets", spec=EVERY_KIND)
    config = yaml.safe_load((tmp_path / "work" / outputs.ALERTMANAGER).read_text())
    chat = next(r for r in config["receivers"] if r["name"] == "chat")
    secrets = {kind: [key for key in chat[kind][0] if key.endswith("_file")] for kind in chat if kind != "name"}
    assert secrets == {
        "discord_configs": ["webhook_url_file"],
        "pagerduty_configs": ["routing_key_file"],
        "opsgenie_configs": ["api_key_file"],
        "email_configs": ["auth_password_file"],
        "msteamsv2_configs": ["webhook_url_file"],
        "webhook_configs": ["url_file"],
    }
    assert chat["pagerduty_configs"][0]["routing_key_file"] == "/etc/alertmanager/secrets/pagerduty-routing-key"


INTEGRATIONS: dict[str, Callable[[str], Model]] = {
    "Slack": lambda key: Slack(channel="#c", webhook_file=key),
    "Discord": lambda key: Discord(webhook_file=key),
    "PagerDuty": lambda key: PagerDuty(routing_key_file=key),
    "Opsgenie": lambda key: Opsgenie(api_key_file=key),
    "Email": lambda key: Email(to="a@example.com", sender="b@example.com", smarthost="smtp:25", password_file=key),
    "Teams": lambda key: Teams(webhook_file=key),
    "Webhook": lambda key: Webhook(url_file=key),
}


@pytest.mark.parametrize("kind", sorted(INTEGRATIONS))
def test_a_secret_written_inline_is_refused(kind: str) -> None:
    with pytest.raises(SpecError) as raised:
        INTEGRATIONS[kind]("https://events.example.com/v2/enqueue?key=0123")
    assert raised.value.place.obj == kind and raised.value.place.field.endswith("_file")
    assert "must never be written into a spec" in raised.value.message


def test_a_receiver_needs_an_integration() -> None:
    with pytest.raises(SpecError, match="needs at least one integration"):
        Receiver(name="nobody")


def test_an_inline_key_in_the_output_is_found(run_check: Run) -> None:
    files = {outputs.ALERTMANAGER: "receivers:\n- name: x\n  pagerduty_configs:\n  - routing_key: abc123\n"}
    (problem,) = run_check("no-secrets", files=files)
    assert problem.path == "out/alertmanager/alertmanager.yml" and "an inline key" in problem.message
