"""The rendered files, proven by the real promtool and amtool (installed by scripts/install-tools.sh).

These never skip: a missing tool is a ToolError, and the test fails.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from .conftest import OUT

PRODUCTION = OUT / "production"

# Contract section 4: labels → the receivers they must reach, in order.
ROUTING_TABLE = [
    ({"category": "payments", "severity": "critical"}, "payments,critical"),
    ({"category": "payments", "severity": "warning"}, "payments,warnings"),
    ({"category": "business", "severity": "warning"}, "business,warnings"),
    ({"category": "business", "severity": "critical"}, "business,critical"),
    ({"category": "platform", "severity": "critical"}, "critical"),
    ({"category": "platform", "severity": "warning"}, "warnings"),
    ({"alertname": "SomethingElse"}, "warnings"),
]


def _run(binary: Path, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_promtool_accepts_the_rules(tool: Callable[[str], Path]) -> None:
    done = _run(tool("promtool"), "check", "rules", PRODUCTION / "prometheus/alert-rules.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 15 rules found" in done.stdout


def test_promtool_accepts_the_rules_inside_the_configmap(tool: Callable[[str], Path], tmp_path: Path) -> None:
    configmap = yaml.safe_load((PRODUCTION / "k8s/prometheus/alert-rules.yaml").read_text())
    extracted = tmp_path / "alert-rules.yaml"
    extracted.write_text(configmap["data"]["alert-rules.yaml"])
    assert extracted.read_text() == (PRODUCTION / "prometheus/alert-rules.yaml").read_text()
    done = _run(tool("promtool"), "check", "rules", extracted)
    assert done.returncode == 0, done.stdout + done.stderr


def test_amtool_accepts_the_config_inside_the_configmap(tool: Callable[[str], Path], tmp_path: Path) -> None:
    configmap = yaml.safe_load((PRODUCTION / "k8s/alertmanager/alertmanager-config.yaml").read_text())
    for key, text in configmap["data"].items():
        (tmp_path / key).write_text(text)
    done = _run(tool("amtool"), "check-config", tmp_path / "alertmanager.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 receivers" in done.stdout and "2 inhibit rules" in done.stdout and "1 templates" in done.stdout


@pytest.mark.parametrize(("labels", "receivers"), ROUTING_TABLE)
def test_routing_follows_the_contract(tool: Callable[[str], Path], labels: dict[str, str], receivers: str) -> None:
    done = _run(
        tool("amtool"),
        "config",
        "routes",
        "test",
        f"--config.file={PRODUCTION / 'alertmanager/alertmanager.yml'}",
        f"--verify.receivers={receivers}",
        *[f"{k}={v}" for k, v in labels.items()],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == receivers


def test_message_templates_render_with_links(tool: Callable[[str], Path]) -> None:
    done = _run(
        tool("amtool"),
        "template",
        "render",
        "--template.glob=notifications.tmpl",
        '--template.text={{ template "futuramon.slack.text" . }}',
        cwd=PRODUCTION / "alertmanager",
    )
    assert done.returncode == 0, done.stderr
    assert ":book: Runbook" in done.stdout and ":bar_chart: Dashboard" in done.stdout
