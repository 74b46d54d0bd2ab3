"""`futuramon drill`: alerts through a real Alertmanager to a local capture of Slack and Discord."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import SPECS, Cli


def _drill(cli: Cli, *args: str) -> list[dict]:  # type: ignore[type-arg]
    code, stdout, stderr = cli("drill", *args, "--specs", SPECS, "--format", "json")
    assert code == 0, stdout + stderr
    return json.loads(stdout)  # type: ignore[no-any-return]


def test_critical_payments_alert_reaches_payments_and_critical_with_colors_and_links(cli: Cli) -> None:
    (result,) = _drill(cli, "LowPaymentSuccessRate")
    assert result["ok"] and result["delivered_receivers"] == ["payments", "critical"]
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
    assert result["fired_after"].startswith("11m (simulated, promtool; for: 10m)")


def test_pod_down_inhibits_cpu_and_memory_of_the_same_pod(cli: Cli) -> None:
    (result,) = _drill(cli, "PodDown")
    assert result["ok"]
    assert {"HighCPUUsage", "HighMemoryUsage"} <= set(result["inhibits"])
    assert "HighResponseTime" not in result["inhibits"], "a warning of another service must not be muted"


def test_warning_business_alert_reaches_business_and_warnings_and_resolves(cli: Cli) -> None:
    (result,) = _drill(cli, "SlowOrderProcessing")
    assert result["ok"] and result["delivered_receivers"] == ["business", "warnings"]
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


def test_text_report_and_unknown_alert(cli: Cli) -> None:
    code, stdout, _ = cli("drill", "RedisDown", "HighSentryErrorCount", "--specs", SPECS)
    assert code == 0
    assert "HighSentryErrorCount: fired after 66m (simulated, promtool; for: 5m)" in stdout
    assert (
        "RedisDown: fired after 2m (simulated, promtool; for: 2m); expected critical, delivered critical [ok]" in stdout
    )
    assert "2 of 2 alerts delivered as routed" in stdout
    code, _, stderr = cli("drill", "NoSuchAlert", "--specs", SPECS)
    assert code == 2 and "no alert named 'NoSuchAlert'" in stderr


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

    from futuramon.drill import run

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    started: list[subprocess.Popen[bytes]] = []
    real_enter = run.Server.__enter__

    def remember(server: run.Server) -> run.Server:
        entered = real_enter(server)
        assert server.process is not None
        started.append(server.process)
        return entered

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run.Server, "__enter__", remember)
    monkeypatch.setattr(run, "_post", interrupt)
    code, _, stderr = cli("drill", "RedisDown", "--specs", SPECS)
    assert code == 130 and "interrupted" in stderr
    assert started and all(process.poll() is not None for process in started), "alertmanager must be stopped"
    assert os.listdir(tmp_path) == []
