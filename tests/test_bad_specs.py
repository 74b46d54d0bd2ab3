"""The catalogue of broken specs: each is refused with exit 2 and a message that names file, object and field.

Every case starts from tests/minimal_spec.py and breaks one thing; `out/` must stay untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Cli
from .minimal_spec import MINIMAL

# case: (text to replace in the minimal spec, replacement, fragments the message must hold)
CASES = {
    "python syntax error": ("BOOK = runbook(", "BOOK = runbook((", ["spec.py:7:", "Python syntax error"]),
    "exception while importing": (
        "BOOK = runbook(",
        "1 / 0\nBOOK = runbook(",
        ["spec.py:7:", "ZeroDivisionError while importing the spec module"],
    ),
    "wrong type": ("threshold=2,", 'threshold="two",', ["Alert 'Slow'", "field 'threshold'", "got 'two'"]),
    "unknown field": (
        'summary="Slow",',
        'summary="Slow", colour="red",',
        ["spec.py:14:", "alert() got an unexpected keyword argument 'colour'"],
    ),
    "unknown field of an object": (
        'Panel(title="Up", kind="stat",',
        'Panel(title="Up", kind="stat", colour="red",',
        ["Panel 'Up'", "field 'colour'", "unknown field (known fields:"],
    ),
    "duplicate alert": (
        'alert("Slow",',
        'alert("ApiDown",',
        ["spec.py:14:", "Alert 'ApiDown'", "field 'name'", "declared more than once"],
    ),
    "duplicate receiver": (
        'Receiver(name="chat"',
        'Receiver(name="oncall"',
        ["Receiver 'oncall'", "declared more than once"],
    ),
    "duplicate panel": (
        "panels=(\n",
        'panels=(\n    Panel(title="Up", kind="stat", queries=(Query(expr="up"),)),\n',
        ["Panel 'Up'", "field 'title'", "declared more than once"],
    ),
    "duplicate dashboard uid": (
        "BOARD = Dashboard(",
        'OTHER = Dashboard(uid="shop", title="Again", panels=('
        'Panel(title="X", kind="stat", queries=(Query(expr="up"),)),))\nBOARD = Dashboard(',
        ["Dashboard 'shop'", "field 'uid'", "declared more than once"],
    ),
    "unknown severity": (
        'severity="warning"',
        'severity="urgent"',
        ["Alert 'Slow'", "field 'severity'", "expected one of 'critical', 'warning', got 'urgent'"],
    ),
    "unknown category": (
        'category="platform", panel="Up", summary="Slow"',
        'category="infra", panel="Up", summary="Slow"',
        ["Alert 'Slow'", "field 'category'", "got 'infra'"],
    ),
    "malformed duration": (
        'for_="10m"',
        'for_="10 minutes"',
        ["Alert 'Slow'", "field 'for_'", "expected a Prometheus duration", "got '10 minutes'"],
    ),
    "invalid promql": (
        "max by (service) (latency_seconds)",
        "max by (service) (latency_seconds",
        ["Alert 'Slow'", "field 'signal'", "not a valid PromQL expression at column 34 (unclosed left parenthesis)"],
    ),
    "invalid label name": (
        'summary="Slow",',
        'summary="Slow", labels={"team-name": "db"},',
        ["Alert 'Slow'", "field 'labels'", "got 'team-name'", "expected a label name"],
    ),
    "threshold not finite": (
        "threshold=2,",
        'threshold=float("inf"),',
        ["Alert 'Slow'", "field 'threshold'", "expected a finite number, got inf"],
    ),
    "route to unknown receiver": (
        'receiver="chat"),)',
        'receiver="pager"),)',
        ["Route #1", "field 'receiver'", "got 'pager'"],
    ),
    "receiver without configs": (
        'Receiver(name="chat", discord=(Discord(webhook_file="discord-webhook-url"),)),',
        'Receiver(name="chat"),',
        ["Receiver 'chat'", "needs at least one integration (slack, discord, pagerduty"],
    ),
    "panel referencing an unknown alert": (
        'Panel(title="Up", kind="stat",',
        'Panel(title="Up", kind="stat", thresholds_from="NoSuchAlert",',
        ["Panel 'Up'", "field 'thresholds_from'", "got 'NoSuchAlert'"],
    ),
    "alert pointing at an unknown panel": (
        'panel="Up", summary="Slow"',
        'panel="Down", summary="Slow"',
        ["Alert 'Slow'", "field 'panel'", "got 'Down'"],
    ),
    "inline webhook url": (
        'webhook_file="slack-webhook-url"',
        'webhook_file="https://hooks.slack.com/services/T/B/X"',
        ["Slack", "field 'webhook_file'", "must never be written into a spec"],
    ),
    "inhibit without equal": ('equal=("service",)', "equal=()", ["Inhibit", "field 'equal'"]),
    "matcher with a broken regex": (
        "route('severity=\"warning\"'",
        "route('team=~\"(\"'",
        ["Route", "field 'matchers.0'", "does not compile as RE2"],
    ),
    "matcher with a look-around": (
        "route('severity=\"warning\"'",
        "route('team=~\"(?!db).*\"'",
        [
            "Route",
            "field 'matchers.0'",
            "does not compile as RE2, the syntax Alertmanager uses (no look-arounds",
            "invalid perl operator: (?!",
        ],
    ),
    "sys.exit in a spec": (
        "BOOK = runbook(",
        "import sys\nsys.exit(0)\nBOOK = runbook(",
        ["spec.py:8:", "ends the run with sys.exit(0) or SystemExit: a spec module must only declare objects"],
    ),
    "raise SystemExit in a spec": (
        "BOOK = runbook(",
        "raise SystemExit(3)\nBOOK = runbook(",
        ["spec.py:7:", "ends the run with sys.exit(3) or SystemExit"],
    ),
    "os._exit in a spec": (
        "BOOK = runbook(",
        "import os\nos._exit(0)\nBOOK = runbook(",
        ["spec.py:8:", "ends the run with os._exit(0)"],
    ),
    "alert in no rule group": (
        "GROUP = RuleGroup(",
        'LOST = alert("Lost", signal="sum(nothing_total)", op=">", threshold=1, for_="5m", severity="warning",\n'
        '             category="platform", panel="No such panel", summary="s", description="d", runbook=BOOK)\n'
        "GROUP = RuleGroup(",
        ["spec.py:16:", "Alert 'Lost': declared but in no RuleGroup: add it to one"],
    ),
    "panel in no dashboard": (
        "BOARD = Dashboard(",
        'EXTRA = Panel(title="Extra", kind="stat", queries=(Query(expr="sum(up)"),))\nBOARD = Dashboard(',
        ["spec.py:18:", "Panel 'Extra': declared but in no Dashboard"],
    ),
    "route in no routing": (
        "ROUTING = Routing(",
        'PAGE = route(\'severity="critical"\', receiver="oncall")\nROUTING = Routing(',
        ["spec.py:29:", "Route: declared but in no Routing's routes"],
    ),
    "inhibit in no routing": (
        "ROUTING = Routing(",
        'MUTE = Inhibit(source=(\'severity="critical"\',), target=(\'severity="warning"\',), equal=("service",))\n'
        "ROUTING = Routing(",
        ["spec.py:29:", "Inhibit: declared but in no Routing's inhibit"],
    ),
    "boolean threshold": (
        "threshold=2,",
        "threshold=True,",
        ["Alert 'Slow'", "field 'threshold'", "expected a number, got True (a boolean)"],
    ),
    "boolean panel width": (
        'Panel(title="Up", kind="stat",',
        'Panel(title="Up", kind="stat", width=True,',
        ["Panel 'Up'", "field 'width'", "expected a number, got True (a boolean)"],
    ),
    "label that sets severity": (
        'summary="Slow",',
        'summary="Slow", labels={"severity": "info"},',
        ["spec.py:14:", "Alert 'Slow'", "field 'labels'", "sets severity, which futuramon sets"],
    ),
    "label that sets alertname": (
        'summary="Slow",',
        'summary="Slow", labels={"alertname": "Other"},',
        ["Alert 'Slow'", "field 'labels'", "sets alertname"],
    ),
    "namespace not a DNS-1123 label": (
        'namespace="shop"',
        'namespace="FuturaTickets_Prod"',
        ["spec.py:4:", "Settings", "field 'namespace'", "DNS-1123 label", "got 'FuturaTickets_Prod'"],
    ),
    "unknown grafana unit on an alert": (
        'summary="Slow",',
        'summary="Slow", unit="precentunit",',
        ["Alert 'Slow'", "field 'unit'", "expected a Grafana unit id", "did you mean 'percentunit'"],
    ),
    "unknown grafana unit on a panel": (
        'Panel(title="Up", kind="stat",',
        'Panel(title="Up", kind="stat", unit="secs",',
        ["Panel 'Up'", "field 'unit'", "got 'secs'"],
    ),
    "route whose matcher matches no alert": (
        "route('severity=\"warning\"'",
        "route('severity=\"warnnig\"'",
        [
            "spec.py:30:",
            'Route #1 (severity="warnnig")',
            "field 'matchers'",
            "matches no declared alert",
            "the alerts have severity: critical, warning",
        ],
    ),
    "inhibit source that matches no alert": (
        "source=('severity=\"critical\"',)",
        "source=('severity=\"critcal\"',)",
        ["spec.py:31:", 'Inhibit severity="critcal" → severity="warning"', "field 'source'", "matches no declared"],
    ),
    "inhibit target that matches no alert": (
        "target=('severity=\"warning\"',)",
        "target=('alertname=\"Slwo\"',)",
        ["Inhibit", "field 'target'", "matches no declared alert", "alertname: ApiDown, Slow"],
    ),
    "panel title in two dashboards": (
        "BOARD = Dashboard(",
        'OTHER = Dashboard(uid="other", title="Other", panels=(Panel(title="Up", kind="stat", '
        'queries=(Query(expr="sum(up)"),)),))\nBOARD = Dashboard(',
        ["spec.py:9:", "Alert 'ApiDown'", "field 'panel'", "dashboards other, shop both have a panel so titled"],
    ),
    "zero repeat_interval": (
        'repeat_interval="4h"',
        'repeat_interval="0s"',
        ["Routing", "field 'repeat_interval'", "expected an interval longer than zero, got '0s'"],
    ),
    "zero group_interval": (
        'group_interval="5m"',
        'group_interval="0m"',
        ["Routing", "field 'group_interval'", "longer than zero"],
    ),
    "grafana url without scheme": (
        'grafana_url="https://grafana.example.com"',
        'grafana_url="grafana.example.com"',
        ["Settings", "field 'grafana_url'", "expected an http(s) URL"],
    ),
    "relative secret_dir": (
        'categories=("platform",))',
        'categories=("platform",), secret_dir="secrets")',
        ["Settings", "field 'secret_dir'", "expected an absolute path"],
    ),
    "panel min not below max": (
        'Panel(title="Up", kind="stat",',
        'Panel(title="Up", kind="stat", min=5, max=1,',
        ["Panel 'Up'", "field 'max'", "min 5.0 is not below max 1.0"],
    ),
    "webhook url without scheme as webhook_file": (
        'webhook_file="slack-webhook-url"',
        'webhook_file="hooks.slack.com/services/T000/B000/XXXXXXXX"',
        ["Slack", "field 'webhook_file'", "<redacted>"],
    ),
    "receiver no route sends to": (
        'Receiver(name="chat", discord=',
        'Receiver(name="spare", discord=(Discord(webhook_file="discord-webhook-url"),)),\n'
        '    Receiver(name="chat", discord=',
        ["spec.py:24:", "Receiver 'spare'", "declared but no route sends to it"],
    ),
    "webhook url in a runbook step": (
        'step("Look", "kubectl get pods")',
        'step("Look", "curl https://hooks.slack.com/services/T000/B000/XXXXXXXX")',
        ["spec.py:7:", "Command: field 'run': holds a Slack webhook URL (curl <redacted>)"],
    ),
    "no settings": ("SETTINGS = Settings(", "_ = dict(", ["exactly one Settings, found 0"]),
}


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.py").write_text(text)
    return folder


def test_the_minimal_spec_renders(cli: Cli, tmp_path: Path) -> None:
    assert cli("render", "--specs", _write(tmp_path / "specs", MINIMAL), "--out", tmp_path / "out")[0] == 0


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_broken_spec_is_refused_clearly(cli: Cli, tmp_path: Path, case: str) -> None:
    old, new, fragments = CASES[case]
    assert old in MINIMAL, old
    specs = _write(tmp_path / "specs", MINIMAL.replace(old, new, 1))
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.yaml").write_text("previous render\n")
    code, stdout, stderr = cli("render", "--specs", specs, "--out", out)
    assert code == 2, stdout + stderr
    assert stderr.startswith("error: ") and str(specs) in stderr
    for fragment in fragments:
        assert fragment in stderr, f"{fragment!r} not in {stderr!r}"
    assert "Traceback" not in stderr and "hooks.slack.com" not in stderr
    assert [p.name for p in out.iterdir()] == ["keep.yaml"] and (out / "keep.yaml").read_text() == "previous render\n"


def test_missing_and_empty_specs_folders(cli: Cli, tmp_path: Path) -> None:
    code, _, stderr = cli("render", "--specs", tmp_path / "nope", "--out", tmp_path / "out")
    assert code == 2 and "does not exist" in stderr
    (tmp_path / "empty").mkdir()
    code, _, stderr = cli("render", "--specs", tmp_path / "empty", "--out", tmp_path / "out")
    assert code == 2 and "holds no spec modules" in stderr
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback(cli: Cli, tmp_path: Path) -> None:
    specs = _write(tmp_path / "specs", MINIMAL.replace("BOOK = runbook(", "1 / 0\nBOOK = runbook(", 1))
    code, _, stderr = cli("--debug", "render", "--specs", specs, "--out", tmp_path / "out")
    assert code == 2 and "Traceback" in stderr and "ZeroDivisionError" in stderr
