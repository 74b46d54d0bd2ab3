"""`futuramon validate`: green on the FuturaTickets stack, red with the place named for each mistake.

Each case breaks one thing in a private copy of the specs (the `bad` set); the untouched copy is the `good` set.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from futuramon import report, writer
from futuramon.checks import REGISTRY
from futuramon.errors import SpecError
from futuramon.pipeline import build
from futuramon.validate import check_rendered, validate

from .conftest import OUT, Cli
from .minimal_spec import MINIMAL


def _edit(specs: Path, file: str, old: str, new: str) -> None:
    path = specs / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))


def _validate(cli: Cli, specs: Path, out: Path, *args: str) -> tuple[int, str]:
    code, stdout, stderr = cli("validate", "--specs", specs, "--out", out, *args)
    return code, stdout + stderr


def test_futuratickets_is_green(cli: Cli, specs_copy: Path) -> None:
    code, output = _validate(cli, specs_copy, OUT)
    assert code == 0, output
    assert output.strip().endswith(f"ok: {len(REGISTRY)} checks, 0 errors, 0 warnings")


# (file, old, new, expected fragments of the report)
BROKEN = {
    "threshold changed so a test fails": (
        "alerts.py",
        'op=">", threshold=10, for_="5m", unit="reqps"',
        'op=">", threshold=12, for_="5m", unit="reqps"',
        [
            "specs/alerts.py:",
            "alert HighErrorRate: case 'at 11 req/s' expected the alert fires at 60m",
            "(alert-tests)",
        ],
    ),
    "misspelled metric": (
        "alerts.py",
        "rate(stripe_webhook_failures_total[5m])",
        "rate(stripe_webhook_failure_total[5m])",
        ["specs/alerts.py:", "'stripe_webhook_failure_total', which is not in the metrics catalog", "(known-metrics)"],
    ),
    "rate over a gauge": (
        "dashboard.py",
        'Query(expr="sum(tickets_active_total)"',
        'Query(expr="sum(rate(tickets_active_total[5m]))"',
        ["specs/dashboard.py:", "rate() to 'tickets_active_total', a gauge", "(counter-functions)"],
    ),
    "routing test expecting the wrong receiver": (
        "routing.py",
        'receivers=("payments", "critical")',
        'receivers=("critical",)',
        ["specs/routing.py:", "should reach critical, reached payments,critical", "(route-tests)"],
    ),
    "broken Go template in an annotation": (
        "alerts.py",
        'summary="Redis {{ $labels.instance }} is down"',
        'summary="Redis {{ $labels.instance } is down"',
        ["specs/alerts.py:", "alert RedisDown: broken Go template", "(annotation-templates)"],
    ),
    "overlapping panels": (
        "dashboard.py",
        'Panel(title="Active Tickets", kind="stat", unit="short",',
        'Panel(title="Active Tickets", kind="stat", unit="short", grid=Grid(x=0, y=0, w=12, h=8),',
        ["specs/dashboard.py:", "panel 'Active Tickets' overlaps panel 'HTTP Requests Rate'", "(panel-grid)"],
    ),
    "panel plots a signal without its threshold": (
        "dashboard.py",
        """Query(expr='sum by (service) (rate(http_requests_total{service=~"$service"}[5m]))'""",
        "Query(expr=HighErrorRate.signal",
        ["panel 'HTTP Requests Rate' plots the signal of HighErrorRate but does not draw", "(panel-thresholds)"],
    ),
    "unreachable route": (
        "routing.py",
        'route(\'category="business"\', receiver="business", repeat_interval="24h", continue_=True),',
        'route(\'category="business"\', receiver="business", repeat_interval="24h", continue_=True),\n'
        '        route(\'severity="critical"\', receiver="critical"),\n'
        '        route(\'severity="critical"\', \'team="db"\', receiver="business"),',
        ["route #4", "is unreachable: route #3", "(unreachable-routes)"],
    ),
    "inhibit case that does not hold": (
        "routing.py",
        '"service": "marketplace"},\n                            inhibited=False',
        '"service": "marketplace"},\n                            inhibited=True',
        ["specs/routing.py:", "was expected to inhibit", "(inhibit-tests)"],
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_mistake_turns_validate_red_and_names_the_place(specs_copy: Path, tmp_path: Path, case: str) -> None:
    """Rendered once per case; every check runs on it (none may crash), and the report names the place."""
    file, old, new, fragments = BROKEN[case]
    _edit(specs_copy, file, old, new)
    if case == "overlapping panels":
        _edit(specs_copy, file, "from futuramon.dsl import Annotation, Dashboard,",
              "from futuramon.dsl import Annotation, Dashboard, Grid,")  # fmt: skip
    rendered = build(specs_copy)
    out = tmp_path / "out"
    writer.write(rendered.files, out)
    problems = check_rendered(rendered, specs_copy, out, REGISTRY)
    output = report.text(problems, len(REGISTRY))
    assert output.splitlines()[-1].startswith(f"FAILED: {len(REGISTRY)} checks, "), output
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"


def test_a_route_to_an_unknown_receiver_is_a_spec_error(cli: Cli, specs_copy: Path) -> None:
    _edit(specs_copy, "routing.py", 'RouteCase(labels={"alertname": "Watchdog"}, receivers=("warnings",))',
          'RouteCase(labels={"alertname": "Watchdog"}, receivers=("pager",))')  # fmt: skip
    code, output = _validate(cli, specs_copy, OUT)
    assert code == 2 and "Traceback" not in output
    for fragment in ["specs/routing.py:", "RouteCase", "field 'receivers'", "got 'pager'"]:
        assert fragment in output


def test_a_missing_runbook_is_a_spec_error(cli: Cli, specs_copy: Path) -> None:
    _edit(specs_copy, "alerts.py", "    runbook=rb.REDIS_DOWN,\n", "")
    code, output = _validate(cli, specs_copy, OUT)
    assert code == 2
    assert "specs/alerts.py:" in output and "alert() missing 1 required keyword-only argument: 'runbook'" in output


def test_a_webhook_url_pasted_into_a_receiver_is_refused(cli: Cli, specs_copy: Path) -> None:
    _edit(
        specs_copy, "routing.py", 'SLACK = "slack-webhook-url"', 'SLACK = "https://hooks.slack.com/services/T0/B0/XXXX"'
    )
    code, output = _validate(cli, specs_copy, OUT)
    assert code == 2
    assert "Slack: field 'webhook_file'" in output and "must never be written into a spec" in output
    assert "hooks.slack.com" not in output, "the secret itself must not be echoed"


def test_a_secret_in_the_specs_is_refused_before_any_output(tmp_path: Path, specs_copy: Path) -> None:
    _edit(specs_copy, "alerts.py", 'summary="No orders in the last hour"',
          'summary="No orders, see https://hooks.slack.com/services/T0/B0/XXXX"')  # fmt: skip
    with pytest.raises(SpecError) as refused:
        validate(specs_copy, OUT, [c for c in REGISTRY if c.name == "no-secrets"])
    assert "field 'summary': holds a Slack webhook URL" in str(refused.value)
    assert "hooks.slack.com" not in str(refused.value)


def test_a_stale_out_is_drift(cli: Cli, tmp_path: Path, specs_copy: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(OUT, out)
    (out / "production/runbooks/PodDown.md").write_text("edited by hand\n")
    code, output = _validate(cli, specs_copy, out, "--only", "drift")
    assert code == 1
    assert "out/production/runbooks/PodDown.md" in output and "(drift)" in output


def test_json_and_github_formats(cli: Cli, tmp_path: Path, specs_copy: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(OUT, out)
    (out / "production/runbooks/PodDown.md").write_text("edited by hand\n")
    code, output = _validate(cli, specs_copy, out, "--only", "drift", "--format", "json")
    document = json.loads(output)
    assert code == 1 and document["version"] == 1 and document["ok"] is False and document["checks"] == 1
    assert document["problems"][0]["check"] == "drift" and document["problems"][0]["severity"] == "error"
    code, output = _validate(cli, specs_copy, out, "--only", "drift", "--format", "github")
    assert output.startswith("::error file=out/production/runbooks/PodDown.md,line=1,title=drift::")


def test_only_and_skip_and_unknown_check(cli: Cli, specs_copy: Path) -> None:
    code, output = _validate(cli, specs_copy, OUT, "--skip", "alert-tests", "--skip", "route-tests")
    assert code == 0 and f"ok: {len(REGISTRY) - 2} checks" in output
    code, output = _validate(cli, specs_copy, OUT, "--only", "no-such-check")
    assert code == 2 and "unknown check 'no-such-check'" in output


def test_checks_lists_every_check(cli: Cli) -> None:
    code, stdout, _ = cli("checks")
    assert code == 0
    assert [line.split()[0] for line in stdout.splitlines()] == [c.name for c in REGISTRY]


@pytest.mark.parametrize("output_format", ["text", "json", "github"])
def test_the_report_of_a_known_broken_spec(
    cli: Cli, tmp_path: Path, golden: Callable[[str, str], None], output_format: str
) -> None:
    """The minimal spec links both alerts to a panel that plots neither signal (errors), routes ApiDown only by
    the root's fallback and proves Slow with no case (warnings): the whole report, in each format, is golden."""
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "spec.py").write_text(MINIMAL)
    out = tmp_path / "out"
    assert cli("render", "--specs", specs, "--out", out)[0] == 0
    code, output = _validate(cli, specs, out, "--format", output_format)
    assert code == 1
    golden(f"validate-broken.{output_format}", output.replace(str(tmp_path), "<tmp>"))
