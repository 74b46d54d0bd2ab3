"""`futuramon drill`: alerts through a real Alertmanager to a local capture of Slack and Discord."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SPECS, Cli


def _drill(cli: Cli, *args: str, env: str = "production") -> list[dict]:  # type: ignore[type-arg]
    code, stdout, stderr = cli("drill", *args, "--env", env, "--specs", SPECS, "--format", "json")
    assert code == 0, stdout + stderr
    return json.loads(stdout)  # type: ignore[no-any-return]


def test_critical_payments_alert_reaches_payments_and_critical_with_colors_and_links(cli: Cli) -> None:
    (result,) = _drill(cli, "LowPaymentSuccessRate")
    assert result["ok"] and sorted(result["delivered_receivers"]) == ["critical", "payments"]
    assert result["delivered_receivers"] == list(dict.fromkeys(n["receiver"] for n in result["firing"])), (
        "delivered lists the receivers in the order their messages arrived"
    )
    channels = {(n["receiver"], n["channel"]): n for n in result["firing"]}
    assert set(channels) == {
        ("payments", "#payments-alerts"),
        ("critical", "#alerts-critical"),
        ("critical", "discord"),
    }
    slack = channels[("payments", "#payments-alerts")]
    assert slack["color"] == "danger" and slack["title"] == "[FIRING:1] LowPaymentSuccessRate (api)"
    assert "/runbooks/LowPaymentSuccessRate.md|:book: Runbook>" in slack["text"]
    assert "viewPanel=40138|:bar_chart: Dashboard>" in slack["text"]
    assert "below 90%" in slack["text"]
    assert "Only 85% of payments succeeded" in slack["text"], "the annotation holds the real value, not the threshold"
    assert result["fired_after"].startswith("11m (simulated, promtool; for: 10m)")


def test_pod_down_inhibits_cpu_and_memory_of_the_same_pod(cli: Cli) -> None:
    (result,) = _drill(cli, "PodDown")
    assert result["ok"]
    assert {"HighCPUUsage", "HighMemoryUsage"} <= set(result["inhibits"])
    assert "HighResponseTime" not in result["inhibits"], "a warning of another service must not be muted"


def test_warning_business_alert_reaches_business_and_warnings_and_resolves(cli: Cli) -> None:
    (result,) = _drill(cli, "SlowOrderProcessing")
    assert result["ok"] and sorted(result["delivered_receivers"]) == ["business", "warnings"]
    assert {n["color"] for n in result["firing"]} == {"warning"}
    assert {(n["receiver"], n["status"], n["color"]) for n in result["resolved"]} == {
        ("business", "resolved", "good"),
        ("warnings", "resolved", "good"),
    }
    assert all(n["title"].startswith("[RESOLVED]") for n in result["resolved"])


def test_a_critical_alert_inhibits_the_warnings_of_its_own_service_only(cli: Cli) -> None:
    (result,) = _drill(cli, "HighErrorRate")
    assert {"HighResponseTime", "HighSentryErrorCount"} <= set(result["inhibits"])
    assert "DiskSpaceLow" not in result["inhibits"], "a node alert has no service: it is not the same service"


def test_a_critical_alert_without_a_service_mutes_no_warning(cli: Cli) -> None:
    """The amended rule: RedisDown carries no `service`, so it must not mute the service-less warnings."""
    (result,) = _drill(cli, "RedisDown")
    assert result["ok"] and result["inhibits"] == []


# (edit of specs/alerts.py, drill arguments, what the report says): cases whose firing case cannot fire
CANNOT_FIRE = {
    "firing case that is quiet": (
        ('fires(gauge("redis_up", PROD | {"instance": "redis:9121"}, value=0)',
         'fires(gauge("redis_up", PROD | {"instance": "redis:9121"}, value=1)'),
        ["RedisDown"],
        "RedisDown: did not fire: case 'at 1' expects it firing at 60m, promtool sees it quiet then",
    ),
    "series under the threshold, live": (
        ('APP | {"status": "500"}, per_second=11)', 'APP | {"status": "500"}, per_second=5, minutes=10)'),
        ["HighErrorRate", "--live"],
        "HighErrorRate: did not fire: case 'at 5 req/s' expects it firing at 10m",
    ),
    "firing case past its series": (
        ('APP | {"status": "500"}, per_second=11)', 'APP | {"status": "500"}, per_second=11), at="52w"'),
        ["HighErrorRate"],
        "HighErrorRate: did not fire: case 'at 11 req/s' expects it firing at 52w",
    ),
    "series that does not parse, live": (
        ('fires(counter("ticket_generation_failures_total", APP, per_second=1.1))',
         'fires(series("ticket_generation_failures_total", APP, values="0+66Ox20"), at="10m", labels=APP, '
         'name="1.1/s", hold=False, below=False)'),
        ["TicketGenerationFailures", "--live"],
        "TicketGenerationFailures: case '1.1/s' cannot be evaluated: promtool says: 2:67: parse error: "
        'bad number syntax: "66"',
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CANNOT_FIRE, ids=list(CANNOT_FIRE))
def test_a_drill_fails_when_the_alert_cannot_fire(cli: Cli, specs_copy: Path, case: str) -> None:
    (old, new), args, message = CANNOT_FIRE[case]
    path = specs_copy / "alerts.py"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    code, stdout, stderr = cli("drill", *args, "--env", "production", "--specs", specs_copy)
    assert code == 1, stdout + stderr
    assert stdout.startswith(message), stdout
    assert "[FAILED]" in stdout and "0 of 1 alerts fired and were delivered as routed" in stdout


def test_text_report_and_unknown_alert(cli: Cli) -> None:
    code, stdout, _ = cli("drill", "RedisDown", "HighSentryErrorCount", "--env", "production", "--specs", SPECS)
    assert code == 0
    assert "HighSentryErrorCount: fired after 47m (simulated, promtool; for: 5m)" in stdout
    assert (
        "RedisDown: fired after 2m (simulated, promtool; for: 2m); expected critical, delivered critical [ok]" in stdout
    )
    assert "2 of 2 alerts fired and were delivered as routed" in stdout
    code, _, stderr = cli("drill", "NoSuchAlert", "--specs", SPECS)
    assert code == 2 and "no alert named 'NoSuchAlert'" in stderr


def test_staging_routes_through_the_config_the_operator_generates(cli: Cli) -> None:
    """The namespace matcher the operator adds is in the path: the staged alert carries the namespace label."""
    (result,) = _drill(cli, "HighErrorRate", env="staging")
    assert result["environment"] == "staging" and result["ok"], result
    assert result["labels"]["namespace"] == "futuratickets-staging" and result["labels"]["cluster"] == "staging"
    assert result["delivered_receivers"] == ["staging"]
    assert {(n["receiver"], n["channel"]) for n in result["firing"]} == {("staging", "#alerts-staging")}
    assert "/d/futuratickets-staging-overview/" in result["firing"][0]["text"]


def test_without_env_an_alert_is_drilled_in_every_environment_that_has_it(cli: Cli) -> None:
    code, stdout, _ = cli("drill", "RedisDown", "LowPaymentSuccessRate", "--specs", SPECS)
    assert code == 0, stdout
    assert "[production] RedisDown:" in stdout and "[staging] RedisDown:" in stdout
    assert "[production] LowPaymentSuccessRate:" in stdout and "[staging] LowPaymentSuccessRate" not in stdout
    assert "3 of 3 alerts fired and were delivered as routed" in stdout


def test_live_drill_through_prometheus(cli: Cli) -> None:
    """exporter → a real Prometheus evaluating the rendered rules (time compressed) → Alertmanager → webhook."""
    (result,) = _drill(cli, "HighErrorRate", "--live")
    assert result["mode"] == "live" and result["ok"], result
    assert result["labels"]["service"] == "api" and result["labels"]["severity"] == "critical"
    assert "time compressed 60x" in result["fired_after"]
    slack = next(n for n in result["firing"] if n["channel"] == "#alerts-critical")
    served = re.search(
        r"api has served ([\d.]+) 5xx responses per second for 5m \(threshold 10 req/s\)\.", slack["text"]
    )
    assert served and 10 < float(served.group(1)) < 12, slack["text"]
    assert {n["status"] for n in result["resolved"]} == {"resolved"}


def test_ctrl_c_stops_every_process_and_removes_every_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from futuramon.drill import client, servers

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    started: list[subprocess.Popen[bytes]] = []
    real_enter = servers.Server.__enter__

    def remember(server: servers.Server) -> servers.Server:
        entered = real_enter(server)
        assert server.process is not None
        started.append(server.process)
        return entered

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(servers.Server, "__enter__", remember)
    monkeypatch.setattr(client, "post", interrupt)
    code, _, stderr = cli("drill", "RedisDown", "--env", "production", "--specs", SPECS)
    assert code == 130 and "interrupted" in stderr
    assert started and all(process.poll() is not None for process in started), "alertmanager must be stopped"
    assert os.listdir(tmp_path) == []


def test_sigterm_stops_every_process_and_removes_every_file(tmp_path: Path) -> None:
    """A CI runner's cancel sends SIGTERM: the live drill stops Prometheus and Alertmanager and cleans up."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    command = [sys.executable, "-m", "futuramon", "drill", "HighErrorRate", "--live", "--specs", str(SPECS)]
    drill = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("futuramon-drill-*/HighErrorRate/prometheus.log")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _servers_under(tmp_path), "Prometheus and Alertmanager should be running"
    drill.send_signal(signal.SIGTERM)
    _, stderr = drill.communicate(timeout=60)
    assert drill.returncode == 130 and "interrupted" in stderr, stderr
    assert _servers_under(tmp_path) == [] and os.listdir(tmp_path) == []


def _servers_under(folder: Path) -> list[str]:
    """Command lines of the running processes started with files under `folder`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(folder) in text and "futuramon" not in text.split()[0]:
            found.append(text)
    return found
