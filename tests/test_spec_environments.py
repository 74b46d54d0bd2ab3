"""Environments in a spec: declared once, placeholders filled per environment, overrides, --env on every command."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from futuramon.errors import SpecError
from futuramon.loader import load
from futuramon.render.outputs import render

from .conftest import Cli
from .minimal_spec import MINIMAL

GONE = """GONE = alert("Gone", signal="max by (service) (latency_seconds)", op=">", threshold=9, for_="1m",
             severity="warning", category="platform", panel="Up", summary="Gone", description="gone", runbook=BOOK)
GROUP = RuleGroup(name="shop", alerts=(APIDOWN, SLOW, GONE))"""
TWO = (
    MINIMAL.replace('signal="sum by (service) (up)"', 'signal=\'sum by (service) (up{namespace="{namespace}"})\'')
    .replace('gauge("up", {"service": "api"}, value=0)',
             'gauge("up", {"namespace": "{namespace}", "service": "api"}, value=0)')
    .replace('Query(expr="sum(up)")', 'Query(expr="sum(up)", legend="{{namespace}}")')
    .replace('runbook("Something is wrong."', 'runbook("Something is wrong in {namespace} ({environment})."')
    .replace("GROUP = RuleGroup(name=\"shop\", alerts=(APIDOWN, SLOW))", GONE)
    + """
from futuramon.dsl import AlertOverride, DashboardOverride, Environment

LIVE = Environment(name="live", namespace="shop")
TEST = Environment(name="test", namespace="shop-test", target="prometheus-operator", cluster="test-1",
                   alert_labels={"namespace": "{namespace}"}, disabled=("Gone",),
                   overrides={"ApiDown": AlertOverride(threshold=1, severity="warning", **{"for": "15m"}),
                              "Slow": AlertOverride(severity="critical")},
                   dashboards={"shop": DashboardOverride(uid="shop-test", title="Shop (test)")})
"""
)  # fmt: skip


def _specs(folder: Path, text: str = TWO) -> Path:
    folder.mkdir(parents=True)
    (folder / "spec.py").write_text(text)
    return folder


def test_each_environment_fills_in_its_own_values(tmp_path: Path) -> None:
    live, test = load(_specs(tmp_path / "specs"))
    assert (live.environment.name, test.environment.name) == ("live", "test")
    assert live.alert("ApiDown").signal == 'sum by (service) (up{namespace="shop"})'
    assert test.alert("ApiDown").signal == 'sum by (service) (up{namespace="shop-test"})'
    assert test.alert("ApiDown").tests[0].series[0].selector == 'up{namespace="shop-test", service="api"}'
    assert test.alert("ApiDown").runbook.symptom == "Something is wrong in shop-test (test)."
    assert test.dashboards[0].panels[0].queries[0].legend == "{{namespace}}", "a Go/Grafana template stays as it is"
    assert test.settings.namespace == "shop-test" and live.settings.namespace == "shop"


def test_overrides_switches_and_renames_apply_to_one_environment_only(tmp_path: Path) -> None:
    live, test = load(_specs(tmp_path / "specs"))
    files = render(test)
    rule, slow = yaml.safe_load(files["prometheus/alert-rules.yaml"])["groups"][0]["rules"]
    assert rule["alert"] == "ApiDown" and rule["expr"].endswith("== 1") and rule["for"] == "15m"
    assert rule["labels"] == {"category": "platform", "namespace": "shop-test", "severity": "warning"}
    assert slow["alert"] == "Slow" and slow["labels"]["severity"] == "critical"
    assert "/d/shop-test/shop-test?viewPanel=" in rule["annotations"]["dashboard_url"]
    assert "runbooks/Gone.md" not in files and "grafana/dashboards/shop-test.json" in files
    assert [a.name for a in live.alerts] == ["ApiDown", "Slow", "Gone"] and live.alert("ApiDown").threshold == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('disabled=("Gone",)', "spec.py:40: Environment 'test': field 'disabled': no alert named 'Gonne'"),
        ('dashboards={"shop"', "spec.py:40: Environment 'test': field 'dashboards': no dashboard with uid 'shopp'"),
        ('LIVE = Environment(name="live"', "spec.py:40: Environment 'test': field 'name': 'test' is declared more"),
    ],
    ids=["unknown-alert", "unknown-dashboard", "duplicate-name"],
)
def test_environment_mistakes_name_file_line_object_and_field(
    cli: Cli, tmp_path: Path, change: str, message: str
) -> None:
    broken = {
        'disabled=("Gone",)': 'disabled=("Gonne",)',
        'dashboards={"shop"': 'dashboards={"shopp"',
        'LIVE = Environment(name="live"': 'LIVE = Environment(name="test"',
    }[change]
    folder = _specs(tmp_path / "specs", TWO.replace(change, broken))
    code, _, stderr = cli("render", "--specs", folder, "--out", tmp_path / "out")
    assert code == 2, stderr
    assert message in stderr
    assert not (tmp_path / "out").exists()


def test_two_settings_say_what_to_declare_instead(tmp_path: Path) -> None:
    second = (
        "SECOND = Settings(namespace='b', runbook_base_url='https://x.example.com', "
        "grafana_url='https://y.example.com', categories=('platform',))"
    )
    folder = _specs(tmp_path / "specs", MINIMAL + "\n" + second + "\n")
    with pytest.raises(SpecError, match=r"exactly one Settings, found 2: .*Environment"):
        load(folder)


def test_render_and_check_per_environment(cli: Cli, tmp_path: Path) -> None:
    specs, out = _specs(tmp_path / "specs"), tmp_path / "out"
    code, stdout, _ = cli("render", "--specs", specs, "--out", out)
    assert code == 0, stdout
    assert sorted(p.name for p in out.iterdir()) == [".futuramon-manifest", "live", "test"]
    assert (out / "test/k8s/prometheus/alert-rules.yaml").is_file() and (out / "live/runbooks/Slow.md").is_file()
    (out / "test/runbooks/ApiDown.md").write_text("edited\n")
    (out / "live/notes.txt").write_text("mine\n")
    code, stdout, stderr = cli("render", "--check", "--specs", specs, "--out", out)
    assert code == 1
    assert f"{out}/live is up to date" in stderr and f"{out}/test is stale: 1 file to update" in stderr
    assert f"warning: {out}/live/notes.txt: futuramon did not write it; it is kept" in stderr
    code, stdout, _ = cli("render", "--env", "test", "--specs", specs, "--out", out)
    assert code == 0 and stdout.startswith(f"rendered {len(list((out / 'test').rglob('*.*')))} files into {out}/test "
                                           "(1 changed)\n")  # fmt: skip
    assert (out / "live/notes.txt").read_text() == "mine\n", "--env writes only its own folder"
    code, stdout, _ = cli("render", "--check", "--env", "test", "--specs", specs, "--out", out)
    assert code == 0 and f"{out}/test is up to date" in stdout
    code, _, stderr = cli("validate", "--env", "nope", "--specs", specs)
    assert code == 2 and "no environment named 'nope'; the specs declare: live, test" in stderr


def test_one_declared_environment_renders_at_the_top_of_out(tmp_path: Path) -> None:
    folder = _specs(tmp_path / "specs", MINIMAL + "\nfrom futuramon.dsl import Environment\nONE = Environment("
                    "name='prod', namespace='shop-prod')\n")  # fmt: skip
    (stack,) = load(folder)
    files = render(stack)
    assert "k8s/prometheus/alert-rules.yaml" in files
    assert yaml.safe_load(files["k8s/prometheus/alert-rules.yaml"])["metadata"]["namespace"] == "shop-prod"


def test_list_and_validate_per_environment(cli: Cli, tmp_path: Path) -> None:
    specs = _specs(tmp_path / "specs")
    code, stdout, _ = cli("list", "alerts", "--env", "test", "--specs", specs)
    assert code == 0 and stdout.startswith("ALERT ") and "ApiDown" in stdout and "Gone" not in stdout
    code, stdout, _ = cli("list", "environments", "--specs", specs)
    assert code == 0
    assert "test         prometheus-operator  shop-test  2       oncall, chat  off: Gone; ApiDown: threshold 1.0, " in (
        stdout
    )
    code, stdout, _ = cli("validate", "--env", "live", "--skip", "drift", "--skip", "panel-signal", "--specs", specs)
    assert code == 0, stdout
    code, stdout, _ = cli("validate", "--env", "test", "--skip", "drift", "--skip", "panel-signal", "--specs", specs)
    assert code == 1, "the override broke the alert's case, and the operator needs the namespace on the route case"
    assert "alert ApiDown: case 'at 0' expected the alert fires at 60m" in stdout
    assert "labels {'severity': 'warning'} should reach chat, reached null (route-tests)" in stdout
