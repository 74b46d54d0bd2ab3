"""`futuramon import`: existing rules, alertmanager.yml and dashboards become spec modules that render back."""

from __future__ import annotations

from pathlib import Path

import promql_parser
import pytest
import yaml

from futuramon import tools
from futuramon.loader import load

from .conftest import OUT, ROOT, Cli

KUBE_PROMETHEUS = ROOT / "tests" / "data" / "kube-prometheus"
PRODUCTION = OUT / "production"  # a one-environment spec renders at the top of its out/
ROUND_TRIP = [
    "prometheus/alert-rules.yaml",
    "alertmanager/alertmanager.yml",
    "grafana/dashboards/futuratickets-overview.json",
    "grafana/dashboards/futuratickets-alert-signals.json",
]


def _import(cli: Cli, *args: str | Path) -> str:
    code, stdout, stderr = cli("import", *args)
    assert code == 0, stderr
    return stdout


def test_futuratickets_out_imports_and_renders_back_the_same(cli: Cli, tmp_path: Path) -> None:
    """Rules, Alertmanager config and both dashboards: byte for byte what the shipped specs render."""
    specs, out = tmp_path / "imported", tmp_path / "out"
    _import(cli, *[PRODUCTION / f for f in ROUND_TRIP], "--to", specs, "--namespace", "futuratickets")
    assert sorted(p.name for p in specs.iterdir()) == ["dashboards.py", "routing.py", "rules.py", "settings.py"]
    code, _, stderr = cli("render", "--specs", specs, "--out", out)
    assert code == 0, stderr
    for name in ROUND_TRIP:
        assert (out / name).read_text() == (PRODUCTION / name).read_text(), name
    rules = (specs / "rules.py").read_text()
    assert "VerbatimRule" not in rules and rules.count("runbook=TODO_RUNBOOK") == 15


def _rules(path: Path) -> list[tuple[str, str]]:
    """(alert or record name, expression as Prometheus reads it) of every rule in a rule file."""
    document = yaml.safe_load(path.read_text())
    groups = document["spec"]["groups"] if document.get("kind") == "PrometheusRule" else document["groups"]
    return sorted((rule.get("alert") or rule["record"], promql_parser.parse(rule["expr"]).prettify())
                  for group in groups for rule in group["rules"])  # fmt: skip


def test_a_third_party_rule_file_renders_back_and_passes_promtool(cli: Cli, tmp_path: Path) -> None:
    """kube-prometheus' own PrometheusRules (Apache-2.0, tests/data/kube-prometheus): no rule is lost."""
    files = sorted(KUBE_PROMETHEUS.glob("*.yaml"))
    specs, out = tmp_path / "imported", tmp_path / "out"
    _import(cli, *files, "--to", specs)
    code, _, stderr = cli("render", "--specs", specs, "--out", out)
    assert code == 0, stderr
    checked = tools.run("promtool", "check", "rules", "prometheus/alert-rules.yaml", cwd=out)
    assert checked.code == 0 and "SUCCESS: 16 rules found" in checked.output, checked.output
    assert _rules(out / "prometheus" / "alert-rules.yaml") == sorted(r for f in files for r in _rules(f))
    rules = (specs / "rules.py").read_text()
    assert "# Watchdog is kept as a VerbatimRule: its expression is not `signal op threshold`." in rules
    assert "# KubeStateMetricsShardingMismatch is kept as a VerbatimRule: it has no category, dashboard_url." in rules
    assert 'record="cluster:node_cpu:ratio",\n            expr="cluster:node_cpu:sum_rate5m / count(' in rules


def test_what_cannot_be_expressed_is_a_comment_and_no_secret_is_copied(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "alertmanager.yml"
    config.write_text(yaml.safe_dump({
        "route": {"receiver": "team", "routes": [{"match": {"severity": "critical"}, "receiver": "pager"}]},
        "receivers": [
            {"name": "team",
             "webhook_configs": [{"url_file": "/secrets/team-hook", "http_config": {"proxy_url": "x"}}]},
            {"name": "pager", "pagerduty_configs": [{"routing_key_file": "/secrets/pd"}],
             "slack_configs": [{"api_url": "https://hooks.slack.com/services/T0/B0/SECRET", "channel": "#x"}]},
        ],
    }))  # fmt: skip
    dashboard = tmp_path / "board.json"
    dashboard.write_text('{"uid": "b", "title": "B", "panels": [{"id": 1, "type": "piechart", "title": "Pie"},'
                         '{"id": 2, "type": "stat", "title": "Up", "targets": [{"expr": "up"}],'
                         ' "transformations": [{"id": "reduce"}],'
                         ' "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0}}]}')  # fmt: skip
    rules = tmp_path / "rules.yaml"
    rules.write_text("groups:\n- name: g\n  rules:\n  - record: job:up:ratio\n    expr: job:up:sum / 2\n")
    specs = tmp_path / "imported"
    _import(cli, config, dashboard, rules, "--to", specs)
    assert (
        "# job:up:ratio is kept as a VerbatimRule: it reads job:up:sum, which its group does not record before it"
        in (specs / "rules.py").read_text()
    )
    routing = (specs / "routing.py").read_text()
    assert "SECRET" not in routing and "hooks.slack.com" not in routing
    assert "# receiver 'pager' (slack_configs): not imported, its secret is inline or missing" in routing
    assert "# receiver 'team' (webhook_configs): not imported: http_config" in routing
    assert """route('severity="critical"', receiver="pager")""" in routing
    assert 'Webhook(url_file="team-hook")' in routing and 'secret_dir="/secrets"' in (specs / "settings.py").read_text()
    dashboards = (specs / "dashboards.py").read_text()
    assert "# panel 'Pie': futuramon has no 'piechart' panels" in dashboards
    assert "# panel 'Up': not imported: transformations" in dashboards and '#       "id": "reduce"' in dashboards
    (stack,) = load(specs)
    assert stack.dashboards[0].panels[0].title == "Up"


def test_nothing_is_overwritten(cli: Cli, tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "rules.py").write_text("# mine\n")
    code, _, stderr = cli("import", KUBE_PROMETHEUS / "kubeStateMetrics-prometheusRule.yaml", "--to", specs)
    assert code == 2
    assert stderr == f"error: {specs} already holds rules.py: import into a new folder (nothing written)\n"
    assert (specs / "rules.py").read_text() == "# mine\n" and sorted(p.name for p in specs.iterdir()) == ["rules.py"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("groups: [", "neither YAML nor JSON futuramon can read"),
        ("kind: Deployment\n", "not a Prometheus rule file: expected `groups:`"),
    ],
    ids=["broken YAML", "not a rule file"],
)
def test_an_unreadable_file_is_refused(cli: Cli, tmp_path: Path, text: str, message: str) -> None:
    source = tmp_path / "rules.yaml"
    source.write_text(text)
    code, _, stderr = cli("import", source, "--to", tmp_path / "specs")
    assert code == 2 and message in stderr and "Traceback" not in stderr
    assert not (tmp_path / "specs").exists()
