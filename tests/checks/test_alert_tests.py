"""alert-tests: every alert's declared cases through promtool, bundled (promtool_tests.Bundle) many alerts to a
test group, and still exactly as strict as each alert's suite run alone."""

from __future__ import annotations

from pathlib import Path

from futuramon.checks.base import Context
from futuramon.checks.behaviour import _alone, alert_tests
from futuramon.loader import load
from futuramon.model import Stack
from futuramon.render import promtool_tests
from futuramon.render.yamltext import to_yaml

from ..minimal_spec import MINIMAL
from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("alert-tests") == []


def test_bad_case_names_the_case(run_check: Run) -> None:
    (problem,) = run_check("alert-tests", ("below=False)", 'at="3m", name="down", below=False)'))
    assert problem.path == "specs/spec.py" and problem.line > 0
    assert "alert ApiDown: case 'down' expected the alert fires at 3m" in problem.message
    assert "got:[]" in problem.message.replace(" ", "")


# Busy reads `up` too, with cases of the same lengths as ApiDown's. Bundled into one group with ApiDown's, its
# "busy" case would leave ApiDown's "down" case alone (other metric), and its "idle" series would add 1 to
# ApiDown's sum(up): a broken quiet case of ApiDown beside it would pass.
BUSY = """
BUSY = alert("Busy", signal="max by (service) (latency_seconds or up)", op=">", threshold=5, for_="5m",
             severity="warning", category="platform", panel="Up", summary="Busy", description="busy", runbook=BOOK,
             tests=(fires("busy", "10m", {'latency_seconds{service="api"}': "9x20"}, service="api"),
                    quiet("idle", "10m", {'up{service="api", instance="x"}': "1x20"})))
GROUP = RuleGroup(name="shop", alerts=(APIDOWN, SLOW, BUSY))
"""
BROKEN_QUIET = ("quiet(\"up\", \"10m\", {'up{service=\"api\"}': \"1x20\"})",
                "quiet(\"up\", \"10m\", {'up{service=\"api\"}': \"0x20\"})")  # fmt: skip


def _with_busy(spec: str = MINIMAL) -> str:
    return spec.replace('GROUP = RuleGroup(name="shop", alerts=(APIDOWN, SLOW))\n', BUSY)


def _stack(tmp_path: Path, spec: str) -> Stack:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "spec.py").write_text(spec)
    return load(tmp_path / "specs")[0]


def test_cases_whose_rules_read_each_others_series_never_share_a_group(tmp_path: Path) -> None:
    suites = promtool_tests.suites(_stack(tmp_path, _with_busy()))
    (bundle,) = promtool_tests.bundles(suites)  # same lengths, nothing read that the other writes: one bundle
    assert [s.alert.name for s in bundle.suites] == ["ApiDown", "Busy"]
    for group in bundle.tests["tests"]:
        assert len({check["alertname"] for check in group["alert_rule_test"]}) == 1, group


def test_a_failing_case_still_fails_beside_a_case_that_would_hide_it(run_check: Run) -> None:
    """ApiDown's quiet case is broken (its series says down): in a group with Busy's series, sum(up) would no
    longer be 0 and the broken case would pass."""
    (problem,) = run_check("alert-tests", BROKEN_QUIET, spec=_with_busy())
    assert problem.message.startswith("alert ApiDown: case 'up' expected the alert stays quiet at 10m, promtool says")


def test_an_alert_that_reads_alerts_is_bundled_alone(tmp_path: Path) -> None:
    spec = _with_busy().replace("latency_seconds or up", "latency_seconds or ALERTS")
    bundles = promtool_tests.bundles(promtool_tests.suites(_stack(tmp_path, spec)))
    assert [[s.alert.name for s in b.suites] for b in bundles] == [["ApiDown"], ["Busy"]]


def test_alerts_whose_series_are_apart_share_groups(tmp_path: Path) -> None:
    passing = SERVICES.replace('_DOWN = {2: "1x20", 5: "oops"}', "_DOWN = {}").replace('_UP = {4: "0x20", 5: "oops"}',
                                                                                     "_UP = {}")  # fmt: skip
    stack = _stack(tmp_path, MINIMAL + passing)
    suites = promtool_tests.suites(stack)
    groups = [{check["alertname"] for check in test["alert_rule_test"]} for b in promtool_tests.bundles(suites)
              for test in b.tests["tests"]]  # fmt: skip
    services = {f"ApiDown{n}" for n in range(6)}
    # each service's cases filter their own series: both groups hold all 6; ApiDown's sum reads them all
    assert sorted(map(sorted, groups)) == [["ApiDown"], ["ApiDown"], sorted(services), sorted(services)]
    assert sum(len(s.tests["tests"]) for s in suites) == 14


# Six more services' ApiDown, all bundled together; service 2's firing case does not fire, service 4's quiet case
# fires, and service 5's values do not parse (promtool names no test for that: its bundle fails as a whole).
SERVICES = """
_DOWN = {2: "1x20", 5: "oops"}
_UP = {4: "0x20", 5: "oops"}
_SERVICES = tuple(
    alert(f"ApiDown{n}", signal=f'sum by (service) (up{{service="s{n}"}})', op="==", threshold=0, for_="5m",
          severity="critical", category="platform", panel="Up", summary="down", description="down", runbook=BOOK,
          tests=(fires("down", "10m", {f'up{{service="s{n}"}}': _DOWN.get(n, "0x20")}, service=f"s{n}"),
                 quiet("up", "10m", {f'up{{service="s{n}"}}': _UP.get(n, "1x20")})))
    for n in range(6)
)
SERVICES = RuleGroup(name="services", alerts=_SERVICES)
"""


def test_bundled_findings_are_those_of_each_suite_alone(tmp_path: Path) -> None:
    stack = _stack(tmp_path, MINIMAL + SERVICES)
    bundled = list(alert_tests(_context(stack, tmp_path / "bundled")))
    context = _context(stack, tmp_path / "alone")
    suites = promtool_tests.suites(stack)
    folder = context.workdir / "alert-tests"
    folder.mkdir()
    for suite in suites:
        (folder / suite.rules_file).write_text(to_yaml(suite.rules))
    assert bundled == list(_alone(context, suites, folder))
    assert [f.message.splitlines()[0] for f in bundled] == [
        "alert ApiDown2: case 'down' expected the alert fires at 10m, promtool says:",
        "alert ApiDown4: case 'up' expected the alert stays quiet at 10m, promtool says:",
        "promtool test rules failed:",
    ]
    assert "ApiDown5.tests.yaml" in bundled[-1].message


def _context(stack: Stack, workdir: Path) -> Context:
    workdir.mkdir()
    return Context(stack, {}, workdir, workdir.parent / "specs", "out", {}, ())
