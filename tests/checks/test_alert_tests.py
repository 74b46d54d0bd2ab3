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


# Down and Busy both read requests_total, with cases of the same lengths. Bundled into one group, Busy's "busy"
# case would leave Down's "down" case alone (another metric), and its "idle" series would add 1 to Down's
# sum(requests_total): a broken quiet case of Down beside it would pass.
EXTRA = """
from futuramon.dsl import series

DOWN = alert("Down", signal="sum by (service) (requests_total)", op="==", threshold=0, for_="5m",
             severity="critical", category="platform", panel="Up", summary="down", description="down", runbook=BOOK,
             tests=(fires(series("requests_total", {"service": "api"}, values="0x20"), name="down", at="10m",
                          labels={"service": "api"}, hold=False, below=False),
                    quiet("up", series("requests_total", {"service": "api"}, values="1x20"), at="10m")))
BUSY = alert("Busy", signal="max by (service) (latency_seconds or requests_total)", op=">", threshold=5,
             for_="5m", severity="warning", category="platform", panel="Up", summary="busy", description="busy",
             runbook=BOOK,
             tests=(fires(series("latency_seconds", {"service": "api"}, values="9x20"), name="busy", at="10m",
                          labels={"service": "api"}, hold=False, below=False),
                    quiet("idle", series("requests_total", {"service": "api", "instance": "x"}, values="1x20"),
                          at="10m")))
MORE = RuleGroup(name="more", alerts=(DOWN, BUSY))
"""
BROKEN_QUIET = ('quiet("up", series("requests_total", {"service": "api"}, values="1x20")',
                'quiet("up", series("requests_total", {"service": "api"}, values="0x20")')  # fmt: skip


def _stack(tmp_path: Path, spec: str) -> Stack:
    (tmp_path / "specs").mkdir(parents=True)
    (tmp_path / "specs" / "spec.py").write_text(spec)
    return load(tmp_path / "specs")[0]


def _bundle_of(bundles: list[promtool_tests.Bundle], alert: str) -> promtool_tests.Bundle:
    return next(b for b in bundles if alert in [s.alert.name for s in b.suites])


def test_cases_whose_rules_read_each_others_series_never_share_a_group(tmp_path: Path) -> None:
    bundles = promtool_tests.bundles(promtool_tests.suites(_stack(tmp_path, MINIMAL + EXTRA)))
    bundle = _bundle_of(bundles, "Down")  # same lengths, nothing read that the other writes: one bundle
    assert {"Down", "Busy"} <= {s.alert.name for s in bundle.suites}
    for group in bundle.tests["tests"]:
        assert not {"Down", "Busy"} <= {check["alertname"] for check in group["alert_rule_test"]}, group


def test_a_failing_case_still_fails_beside_a_case_that_would_hide_it(run_check: Run) -> None:
    """Down's quiet case is broken (its series says down): in a group with Busy's series, the sum would no
    longer be 0 and the broken case would pass."""
    (problem,) = run_check("alert-tests", BROKEN_QUIET, spec=MINIMAL + EXTRA)
    assert problem.message.startswith("alert Down: case 'up' expected the alert stays quiet at 10m, promtool says")


def test_an_alert_that_reads_alerts_is_bundled_alone(tmp_path: Path) -> None:
    spec = (MINIMAL + EXTRA).replace("latency_seconds or requests_total", "latency_seconds or ALERTS")
    bundles = promtool_tests.bundles(promtool_tests.suites(_stack(tmp_path, spec)))
    assert [s.alert.name for s in _bundle_of(bundles, "Busy").suites] == ["Busy"]


def test_alerts_whose_series_are_apart_share_groups(tmp_path: Path) -> None:
    passing = SERVICES.replace('_DOWN = {2: "1x20", 5: "oops"}', "_DOWN = {}").replace('_UP = {4: "0x20", 5: "oops"}',
                                                                                     "_UP = {}")  # fmt: skip
    suites = promtool_tests.suites(_stack(tmp_path, MINIMAL + passing))
    groups = [{check["alertname"] for check in test["alert_rule_test"]} for b in promtool_tests.bundles(suites)
              for test in b.tests["tests"]]  # fmt: skip
    services = sorted(f"Down{n}" for n in range(6))
    # each service's cases filter their own series: both groups hold a case of all 6
    assert [sorted(group) for group in groups if group & set(services)] == [services, services]


# Six services' Down, all bundled together; service 2's firing case does not fire, service 4's quiet case fires,
# and service 5's values do not parse (promtool names no test for that: its bundle fails as a whole).
SERVICES = """
from futuramon.dsl import series

_DOWN = {2: "1x20", 5: "oops"}
_UP = {4: "0x20", 5: "oops"}
_SERVICES = tuple(
    alert(f"Down{n}", signal=f'sum by (service) (requests_total{{service="s{n}"}})', op="==", threshold=0,
          for_="5m", severity="critical", category="platform", panel="Up", summary="down", description="down",
          runbook=BOOK,
          tests=(fires(series("requests_total", {"service": f"s{n}"}, values=_DOWN.get(n, "0x20")), name="down",
                       at="10m", labels={"service": f"s{n}"}, hold=False, below=False),
                 quiet("up", series("requests_total", {"service": f"s{n}"}, values=_UP.get(n, "1x20")), at="10m")))
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
        "alert Down2: case 'down' expected the alert fires at 10m, promtool says:",
        "alert Down4: case 'up' expected the alert stays quiet at 10m, promtool says:",
        "promtool test rules failed:",
    ]
    assert "Down5.tests.yaml" in bundled[-1].message


def _context(stack: Stack, workdir: Path) -> Context:
    workdir.mkdir()
    return Context(stack, {}, workdir, workdir.parent / "specs", "out", {}, ())


# ApiDown's firing case (up 0 from minute 0, firing at 5m), the quiet case derived from it (4m) and a declared
# quiet case "late" on the same series: one test group, evaluated at 3 times.
LATE = ('quiet("up", gauge("up", {"service": "api"}, value=1), at="10m")',
        'quiet("up", gauge("up", {"service": "api"}, value=1), at="10m"), '
        'quiet("late", gauge("up", {"service": "api"}, value=0), at="7m")')  # fmt: skip
EARLY = ("below=False)", 'at="3m", name="down", below=False)')


def test_cases_on_the_same_series_share_a_group_and_each_is_reported_when_it_breaks(tmp_path: Path, run_check: Run
                                                                                    ) -> None:  # fmt: skip
    spec = MINIMAL.replace(*LATE).replace(*EARLY)
    (suite,) = (s for s in promtool_tests.suites(_stack(tmp_path / "shared", spec)) if s.alert.name == "ApiDown")
    assert [(case.name, case.at, group) for case, group in suite.cases] == [
        ("down", "3m", "ApiDown: down + before its 5m have passed + late"),
        ("before its 5m have passed", "4m", "ApiDown: down + before its 5m have passed + late"),
        ("late", "7m", "ApiDown: down + before its 5m have passed + late"),
        ("up", "10m", "ApiDown: up"),
    ]
    assert len(suite.tests["tests"]) == 2
    reported = {
        what: [p.message.splitlines()[0] for p in run_check("alert-tests", *replace)]
        for what, replace in (("late", [LATE]), ("early", [EARLY]), ("both", [LATE, EARLY]))
    }
    late = "alert ApiDown: case 'late' expected the alert stays quiet at 7m, promtool says:"
    early = "alert ApiDown: case 'down' expected the alert fires at 3m, promtool says:"
    assert reported == {"late": [late], "early": [early], "both": [early, late]}
