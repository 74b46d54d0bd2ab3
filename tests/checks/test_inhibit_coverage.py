from .conftest import Run

RULE = 'equal=("service",)),)'
# a critical alert that keeps no `service` label, and a warning without one either
NODE_DOWN = """NODE = alert("NodeDown", signal="max by (instance) (up)", op="==", threshold=0, for_="5m",
             severity="critical", category="platform", panel="Up", summary="down", description="down", runbook=BOOK)
DISK = alert("DiskFull", signal="max by (instance) (latency_seconds)", op=">", threshold=1, for_="5m",
             severity="warning", category="platform", panel="Up", summary="full", description="full", runbook=BOOK)
GROUP = RuleGroup(name="shop", alerts=(APIDOWN, SLOW, NODE, DISK))"""
GROUP = 'GROUP = RuleGroup(name="shop", alerts=(APIDOWN, SLOW))'


def test_good(run_check: Run) -> None:
    assert run_check("inhibit-coverage") == []


def test_good_when_the_source_must_carry_the_label(run_check: Run) -> None:
    scoped = "source=('severity=\"critical\"', 'service=~\".+\"')"
    assert run_check("inhibit-coverage", (GROUP, NODE_DOWN), ("source=('severity=\"critical\"',)", scoped)) == []


def test_bad_a_source_without_an_equal_label_mutes_every_target_without_it(run_check: Run) -> None:
    (problem,) = run_check("inhibit-coverage", (GROUP, NODE_DOWN))
    assert problem.message == (
        'inhibit rule severity="critical" → severity="warning" (equal service): alert NodeDown does not carry label '
        "'service', so it mutes DiskFull (which lack it too) everywhere; keep 'service' in its expression or require "
        'it on the source (service=~".+")'
    )
    assert problem.path == "specs/spec.py" and problem.line == 35
