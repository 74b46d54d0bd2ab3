"""No secret ever reaches out/, a diff, a log or an error: every string of a spec is scanned when it loads.

Each case puts a secret into one kind of field and expects exit 2 at that field's file and line, the value
redacted, `out/` untouched, and the secret nowhere in what futuramon prints.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from futuramon.errors import SECRETS
from futuramon.secretscan import IN_SPECS

from .conftest import OUT, SPECS, Cli
from .minimal_spec import MINIMAL

SLACK = "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx"

# the kinds of secret, each in an alert's summary
KINDS = {
    "slack webhook": SLACK,
    "slack webhook without scheme": "hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx",
    "discord webhook": "https://discord.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "pagerduty integration url": "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue",
    "pagerduty routing key": "routing_key: 0123456789abcdef0123456789abcdef",
    "slack bot token": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "generic hook with a token": "https://chat.example.com/hooks/3f9a1c7e5b2d4a6f8e0c1b3d",
    "token in a url query": "https://alerts.example.com/notify?token=9f8e7d6c5b4a3210",
}

# where a secret can hide: (text to replace, with `{secret}` where it goes, line, object, field)
PLACES = {
    "alert summary": ('summary="Slow"', 'summary="Slow, see {secret}"', 14, "Alert 'Slow'", "summary"),
    "alert description": ('description="slow"', 'description="{secret}"', 14, "Alert 'Slow'", "description"),
    "alert label value": (
        'summary="Slow",',
        'summary="Slow", labels={{"hook": "{secret}"}},',
        14,
        "Alert 'Slow'",
        "labels.hook",
    ),
    "runbook step": ('step("Look", "kubectl get pods")', 'step("Look", "curl {secret}")', 7, "Command", "run"),
    "runbook resolution": ('["Fix it."]', '["Post to {secret}"]', 7, "Runbook", "resolution.0"),
    "slack channel": ('channel="#oncall"', 'channel="{secret}"', 23, "Slack", "channel"),
    "settings secret_dir": (
        'categories=("platform",))',
        'categories=("platform",), secret_dir="/{secret}")',
        4,
        "Settings",
        "secret_dir",
    ),
    "panel description": (
        'Panel(title="Up", kind="stat",',
        'Panel(title="Up", kind="stat", description="{secret}",',
        19,
        "Panel 'Up'",
        "description",
    ),
    "query legend": ('Query(expr="sum(up)")', 'Query(expr="sum(up)", legend="{secret}")', 19, "Query", "legend"),
    "route case label": (
        'RouteCase(labels={"severity": "warning"}',
        'RouteCase(labels={{"severity": "warning", "url": "{secret}"}}',
        33,
        "RouteCase",
        "labels.url",
    ),
}


def _refused(cli: Cli, tmp_path: Path, text: str) -> str:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "spec.py").write_text(text)
    out = tmp_path / "out"
    code, stdout, stderr = cli("render", "--specs", specs, "--out", out)
    assert code == 2, stdout + stderr
    assert not out.exists()
    return stdout + stderr


@pytest.mark.parametrize("kind", KINDS, ids=list(KINDS))
def test_every_kind_of_secret_is_refused_and_redacted(cli: Cli, tmp_path: Path, kind: str) -> None:
    secret = KINDS[kind]
    printed = _refused(cli, tmp_path, MINIMAL.replace('summary="Slow"', f'summary="Slow, see {secret}"'))
    assert "spec.py:14: Alert 'Slow': field 'summary': holds a" in printed and "<redacted>" in printed
    assert secret not in printed and secret[-12:] not in printed


@pytest.mark.parametrize("place", PLACES, ids=list(PLACES))
def test_a_secret_is_refused_in_every_kind_of_field(cli: Cli, tmp_path: Path, place: str) -> None:
    old, new, line, obj, field = PLACES[place]
    assert old in MINIMAL, old
    printed = _refused(cli, tmp_path, MINIMAL.replace(old, new.format(secret=SLACK), 1))
    assert f"spec.py:{line}: {obj}: field '{field}': holds a Slack webhook URL (" in printed, printed
    assert "<redacted>" in printed and "T0123ABCD" not in printed


def test_a_secret_in_the_committed_out_is_redacted_from_the_check_diff(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(OUT, out)
    runbook = out / "production/runbooks/PodDown.md"
    runbook.write_text(runbook.read_text() + f"Post to {SLACK}\n")
    code, stdout, stderr = cli("render", "--check", "--specs", SPECS, "--out", out)
    assert code == 1
    assert "-Post to <redacted>" in stdout and "T0123ABCD" not in stdout + stderr


@pytest.mark.parametrize("output_format", ["json", "github"])
def test_ci_formats_report_a_secret_redacted(cli: Cli, tmp_path: Path, output_format: str) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "spec.py").write_text(MINIMAL.replace('summary="Slow"', f'summary="{SLACK}"'))
    code, stdout, stderr = cli("validate", "--specs", specs, "--format", output_format)
    assert code == 2
    assert "T0123ABCD" not in stdout + stderr and "<redacted>" in stdout


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*KINDS.values(), "Hooks", "KEY", "Key=", "?sig=", "xoxa-", "\u212aey", "\u00e9",
                                 "\u00a0", " ", "\n"])).map("".join))  # fmt: skip
@example("\u00e9" + KINDS["slack bot token"])  # a word character before it to Python's re, none to RE2: no token
def test_the_fast_scan_finds_what_the_patterns_find(text: str) -> None:
    """RE2, where it reads the text as Python's re does, is only a shortcut: the verdict is the patterns' own."""
    assert IN_SPECS.first(text) == next((what for pattern, what in SECRETS if pattern.search(text)), None)
