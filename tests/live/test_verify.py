"""verify against a real Prometheus: the history's missing, renamed and mislabelled metrics are named."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SPECS, Cli, Golden
from tests.live.conftest import EXPOSITION, Live
from tests.minimal_spec import MINIMAL

AT = ("--at", "2026-11-15T12:00:00Z")


def test_names_the_missing_and_the_renamed_metric(live: Live, cli: Cli, golden: Golden) -> None:
    code, out, err = cli("verify", "--prometheus", live.url, *AT, "--env", "production", "--specs", SPECS)
    assert (code, err) == (1, "")
    golden("verify.txt", out)
    assert (
        "specs/alerts.py:226: error: alert TicketGenerationFailures reads 'ticket_generation_failures_total', "
        "which has no series (live-metrics)"
    ) in out
    assert (
        "panel 'Redis Operations/sec' reads 'redis_commands_processed_total', which has no series; "
        "did you mean 'redis_commands_processed'? (live-metrics)"
    ) in out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def test_labels_templates_routes_and_unused_metrics(live: Live, cli: Cli, specs_copy: Path) -> None:
    _edit(specs_copy / "alerts.py", 'summary="{{ $labels.service }} answers', 'summary="{{ $labels.pod }} answers')
    _edit(specs_copy / "alerts.py", "(increase(orders_created_total[1h]))",
          "(increase(orders_created_total{region='eu'}[1h]))")  # fmt: skip
    _edit(
        specs_copy / "routing.py",
        """route('category="payments"',""",
        """route('category="payments"', 'team=~"pay.*"',""",
    )
    _edit(
        specs_copy / "metrics.py",
        "METRICS = [",
        'METRICS = [\n    Metric(name="redis_commands_processed", type="counter"),',
    )
    code, out, err = cli("verify", "-p", live.url, *AT, "--env", "production", "--specs", specs_copy)
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert (
        "specs/alerts.py:23: error: alert HighErrorRate: its summary shows $labels.pod, which it does not carry "
        "(it carries alertname, category, cluster, service, severity) (live-labels)"
    ) in lines
    assert (
        "specs/alerts.py:254: error: alert NoOrdersReceived selects region='eu' on orders_created_total, whose series "
        "do not carry 'region': it selects nothing (live-labels)"
    ) in lines
    assert "specs/routing.py:26: warning: route 1 matches on 'team', which no alert carries (live-labels)" in lines
    assert (
        "specs/metrics.py:11: info: metric redis_commands_processed has series, but no alert, recording or panel "
        "reads it (live-unused)"
    ) in lines
    assert lines[-1].startswith("FAILED: 5 checks, ") and lines[-1].endswith(" warnings, 1 info")


def test_the_application_exposition_against_the_catalog(live: Live, cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "metrics.txt"
    file.write_text(EXPOSITION)
    for source in (live.metrics_url, str(file)):
        code, out, _ = cli(
            "verify", "-p", live.url, *AT, "--metrics-url", source, "--env", "production", "--specs", SPECS
        )
        assert code == 1
        assert [line for line in out.splitlines() if line.endswith("(exposition)")] == [
            f"specs/metrics.py:14: error: {source} exposes orders_created_total without the label(s) service the "
            "catalog declares (exposition)",
            f"specs/metrics.py:18: error: {source} does not expose ticket_generation_failures_total (exposition)",
            f"specs/metrics.py:19: error: {source} does not expose stripe_webhook_failures_total (exposition)",
            f"specs/metrics.py:20: error: {source} exposes sentry_errors_total as a gauge, the catalog says counter "
            "(exposition)",
        ]
        assert out.splitlines()[-1].startswith("FAILED: 6 checks, ")  # the exposition is one more check


def test_json_and_github_formats(live: Live, cli: Cli) -> None:
    code, out, _ = cli("verify", "-p", live.url, *AT, "--format", "json", "--env", "production", "--specs", SPECS)
    document = json.loads(out)
    assert (code, document["ok"], document["checks"]) == (1, False, 5)
    assert {p["check"] for p in document["problems"]} == {"live-metrics", "live-labels", "live-types", "live-windows"}
    code, out, _ = cli("verify", "-p", live.url, *AT, "--format", "github", "--env", "production", "--specs", SPECS)
    assert code == 1
    assert "::error file=specs/metrics.py,line=20,title=live-types::metric sentry_errors_total: the catalog" in out


GOOD = (
    MINIMAL.replace("sum by (service) (up)", "max by (cluster, instance) (redis_up)")
    .replace("max by (service) (latency_seconds)", "min by (cluster, instance) (mongodb_connections)")
    .replace("sum(up)", "sum(redis_up)")
    .replace("$labels.service", "$labels.instance")
    .replace(
        'Metric(name="up", type="gauge"), Metric(name="latency_seconds", type="gauge")',
        'Metric(name="redis_up", type="gauge"), Metric(name="mongodb_connections", type="gauge")',
    )
)


def test_a_spec_that_matches_the_metrics_passes(live: Live, cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "shop.py").write_text(GOOD)
    code, out, _ = cli("verify", "-p", live.url, *AT, "--specs", tmp_path / "specs")
    assert code == 0, out
    assert out.splitlines()[-1] == "ok: 5 checks, 0 errors, 1 warnings"  # the inhibit rule's `service`


def test_usage_errors(live: Live, cli: Cli) -> None:
    code, _, err = cli("verify", "-p", live.url, "--window", "an hour", "--env", "production", "--specs", SPECS)
    assert (code, err) == (2, "error: --window expects a duration like 1h, 30m or 7d, got 'an hour'\n")
    code, _, err = cli("verify", "-p", "localhost:9090", "--env", "production", "--specs", SPECS)
    assert (code, err) == (2, "error: --prometheus expects an http:// or https:// URL, got 'localhost:9090'\n")
    code, _, err = cli(
        "verify", "-p", live.url, *AT, "--metrics-url", "/no/such/metrics.txt", "--env", "production", "--specs", SPECS
    )
    assert (code, err) == (2, "error: cannot read the metrics file '/no/such/metrics.txt': No such file or directory\n")


def test_a_time_without_data_says_so(live: Live, cli: Cli) -> None:
    code, _, err = cli(
        "verify", "-p", live.url, "--at", "2026-10-01T00:00:00Z", "--env", "production", "--specs", SPECS
    )
    assert (code, err) == (2, f"error: {live.url} has no series at all between 2026-09-30T23:00:00Z and "
                              "2026-10-01T00:00:00Z: check --prometheus, --at and --window\n")  # fmt: skip
