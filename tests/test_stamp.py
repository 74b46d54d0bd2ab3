"""A rule group stamped out per parameter set (`for_each`): declared once, rendered as each copy written out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from futuramon.loader import load
from futuramon.model import Stack
from futuramon.render import prometheus
from futuramon.render.outputs import render
from futuramon.render.yamltext import to_yaml

from .conftest import Cli
from .minimal_spec import MINIMAL

PLAIN_PANEL = 'queries=(Query(expr="sum(up)"),)'
STAMPED_PANEL = "queries=(Query(expr='sum(up{service=\"{service}\"})'),)"
PLAIN_GROUP = 'GROUP = RuleGroup(name="shop", alerts=(APIDOWN, SLOW))'
# "123" reads as a number and "my shop" holds a space: both are written per copy, not filled into the template
SERVICES = '({"service": "api"}, {"service": "web"}, {"service": "123"}, {"service": "my shop"})'
STAMPED = (
    MINIMAL.replace('signal="sum by (service) (up)"', "signal='sum by (service) (up{service=\"{service}\"})'")
    .replace('gauge("up", {"service": "api"}', 'gauge("up", {"service": "{service}"}')
    .replace(PLAIN_GROUP, f'GROUP = RuleGroup(name="shop-{{service}}", alerts=(APIDOWN, SLOW), for_each={SERVICES})')
)


def _stack(folder: Path, text: str = STAMPED) -> Stack:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.py").write_text(text)
    (stack,) = load(folder)
    return stack


def test_each_copy_is_an_alert_with_its_values_and_a_label_per_parameter(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    assert [g.name for g in stack.groups] == ["shop-api", "shop-web", "shop-123", "shop-my shop"]
    assert [(a.name, a.labels) for a in stack.alerts[:3]] == [
        ("ApiDown", {"service": "api"}), ("Slow", {"service": "api"}), ("ApiDown", {"service": "web"})]  # fmt: skip
    web = stack.alerts[2]
    assert web.signal == 'sum by (service) (up{service="web"})'
    assert web.tests[0].series[0].selector == 'up{service="web"}'
    # declared once: the template keeps its placeholders, and stands for its copies in tests and panels
    assert [a.name for a in stack.declared_alerts] == ["ApiDown", "Slow"]
    assert stack.alert("ApiDown").signal == 'sum by (service) (up{service="{service}"})'
    group, first = stack.representatives()[0]
    assert group.name == "shop-api" and first is stack.alerts[0]


def test_the_rule_file_is_each_copy_written_out(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    files = render(stack)
    rules = files["prometheus/alert-rules.yaml"]
    assert rules == to_yaml(prometheus.rule_groups(stack))  # the same bytes as writing every copy's own data
    groups = yaml.safe_load(rules)["groups"]
    assert [g["name"] for g in groups] == ["shop-api", "shop-web", "shop-123", "shop-my shop"]
    assert "- name: shop-123\n" in rules and "service: '123'\n" in rules and "service: my shop\n" in rules
    assert [r["labels"]["service"] for g in groups for r in g["rules"]] == ["api"] * 2 + ["web"] * 2 + [
        "123"] * 2 + ["my shop"] * 2  # fmt: skip


def test_one_runbook_page_serves_every_copy(tmp_path: Path) -> None:
    files = render(_stack(tmp_path))
    assert sorted(p for p in files if p.startswith("runbooks/")) == ["runbooks/ApiDown.md", "runbooks/Slow.md"]
    urls = {r["annotations"]["runbook_url"] for g in yaml.safe_load(files["prometheus/alert-rules.yaml"])["groups"]
            for r in g["rules"] if r["alert"] == "ApiDown"}  # fmt: skip
    assert urls == {"https://runbooks.example.com/ApiDown.md"}
    page = files["runbooks/ApiDown.md"]
    assert '`sum by (service) (up{service="{service}"}) == 0`' in page
    assert "| Stamped out | once per parameter set (4): `service=api`, `service=web`, `service=123`, … " in page


def test_a_panel_plots_the_stamped_signal_for_the_dashboard_variable(tmp_path: Path) -> None:
    text = STAMPED.replace(PLAIN_PANEL, STAMPED_PANEL)
    text = text.replace('BOARD = Dashboard(uid="shop", title="Shop",', 'BOARD = Dashboard(uid="shop", title="Shop", '
                        'variables=(Variable(name="service", query="label_values(up, service)"),),')  # fmt: skip
    text = text.replace("from futuramon.dsl import (", "from futuramon.dsl import (Variable, ")
    board = json.loads(render(_stack(tmp_path, text))["grafana/dashboards/shop.json"])
    assert [t["expr"] for p in board["panels"] for t in p["targets"]] == ['sum(up{service="$service"})']


def test_validate_proves_the_copies(tmp_path: Path, cli: Cli) -> None:
    """The rules load in promtool, every copy's annotations are valid templates reading labels it carries, and
    each declared alert's cases pass against its first copy (the minimal spec fails the dashboard lints)."""
    _stack(tmp_path / "specs")
    assert cli("render", "--specs", tmp_path / "specs", "--out", tmp_path / "out")[0] == 0
    checks = ["promtool-check-rules", "alert-tests", "annotation-templates", "annotation-labels", "drift"]
    code, out, err = cli("validate", "--specs", tmp_path / "specs", "--out", tmp_path / "out",
                         *[arg for check in checks for arg in ("--only", check)])  # fmt: skip
    assert code == 0, out + err
    assert "5 checks, 0 errors" in out


def test_list_and_drill_take_each_declared_alert_once(tmp_path: Path, cli: Cli) -> None:
    """`list alerts` shows a stamped alert once with how many copies it has; a drill takes a declared alert once,
    through its first copy, not once per service."""
    _stack(tmp_path / "specs")
    code, out, err = cli("list", "alerts", "--specs", tmp_path / "specs")
    assert code == 0, err
    rows = [line.split() for line in out.splitlines()]
    assert rows[0][-1] == "COPIES"
    assert [(r[0], r[-3:]) for r in rows[1:]] == [("ApiDown", ["4", "by", "service"]), ("Slow", ["4", "by", "service"])]
    code, out, err = cli("drill", "ApiDown", "--format", "json", "--specs", tmp_path / "specs")
    assert code == 0, out + err
    (drilled,) = json.loads(out)
    assert (drilled["alert"], drilled["labels"]["service"]) == ("ApiDown", "api")


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (SERVICES, '({"service": "api"}, {"service": "we\\"b"})',
         ["spec.py:", "RuleGroup 'shop-{service}'", "field 'for_each'", "parameter set #2: service='we\"b'"]),
        (SERVICES, """({"service": "api"}, {"service": "o'x"})""",
         ["field 'for_each'", "parameter set #2: service=\"o'x\"", "no quote (\", ' or `)"]),
        (SERVICES, '({"service": "api"}, {"team": "web"})',
         ["field 'for_each'", "parameter set #2 names ['team'], the first one ['service']"]),
        ('name="shop-{service}"', 'name="shop"',
         ["RuleGroup 'shop'", "field 'name'", "its name must hold a parameter ({service})"]),
        (SERVICES, '({"service": "api"}, {"service": "api"})',
         ["RuleGroup 'shop-api'", "'shop-api' is declared more than once"]),
        (SERVICES, '({"severity": "api"},)', ["field 'for_each'", "names severity, which futuramon sets"]),
        ('category="platform", panel="Up", summary="Slow"', 'category="platform", panel="Up", summary="Slow", '
         'labels={"service": "x"}', ["Alert 'Slow'", "field 'labels'", "sets service, which its group's for_each"]),
        (SERVICES, '({"service": "api"}, {"service": "hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnop"})',
         ["RuleGroup 'shop-{service}'", "field 'for_each.1.service'", "holds a Slack webhook URL"]),
        (PLAIN_PANEL, STAMPED_PANEL,
         ["Panel 'Up'", "field 'queries'", "declare Variable(name='service', ...) on dashboard 'shop'"]),
    ],
    ids=["quote in a value", "single quote in a value", "other keys", "name without a parameter", "same name twice",
         "reserved key", "label set twice", "secret in a value", "panel without the variable"],
)  # fmt: skip
def test_what_a_parameter_set_could_break_is_refused(
    tmp_path: Path, cli: Cli, before: str, after: str, expected: list[str]
) -> None:
    assert before in STAMPED
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "spec.py").write_text(STAMPED.replace(before, after))
    code, _, err = cli("render", "--specs", tmp_path / "specs", "--out", tmp_path / "out")
    assert code == 2
    for fragment in expected:
        assert fragment in err
    assert not (tmp_path / "out").exists()
