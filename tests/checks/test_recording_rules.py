"""Recording rules: declared once, read by alerts and panels by name, evaluated before their users, and
covered by the alerts' promtool cases (promtool evaluates the recording from the raw input series)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from futuramon.errors import SpecError
from futuramon.loader import load
from futuramon.model import Alert, RuleGroup, Stack
from futuramon.render import outputs, prometheus

from ..minimal_spec import MINIMAL
from .conftest import Run

RECORDED = (
    MINIMAL.replace("from futuramon.dsl import (", "from futuramon.dsl import (Recording, ")
    .replace(
        'SLOW = alert("Slow", signal="max by (service) (latency_seconds)", op=">", threshold=2, for_="10m",',
        """LATENCY = Recording(record="service:latency_seconds:max", expr="max by (service) (latency_seconds)")
SLOW = alert("Slow", signal=LATENCY.record, op=">", threshold=2, for_="10m", keep_firing_for="5m",""",
    )
    .replace(
        'description="slow", runbook=BOOK)',
        """description="slow", runbook=BOOK,
             tests=(fires(gauge("latency_seconds", {"service": "api", "pod": "a"}, value=3)),
                    quiet("fast", gauge("latency_seconds", {"service": "api", "pod": "a"}, value=1), at="15m")))""",
    )
    .replace(
        'GROUP = RuleGroup(name="shop", alerts=(APIDOWN, SLOW))',
        'GROUP = RuleGroup(name="shop", limit=100, recordings=(LATENCY,), alerts=(APIDOWN, SLOW))',
    )
    .replace(
        'Panel(title="Up", kind="stat", queries=(Query(expr="sum(up)"),)),',
        'Panel(title="Up", kind="stat", queries=(Query(expr="sum(up)"), Query(expr=LATENCY.record))),',
    )
)


def _load(tmp_path: Path, text: str) -> Stack:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "spec.py").write_text(text)
    (stack,) = load(specs)
    return stack


@pytest.mark.parametrize("check", ["promtool-check-rules", "alert-tests", "known-metrics", "counter-functions"])
def test_recordings_pass(run_check: Run, check: str) -> None:
    assert run_check(check, spec=RECORDED) == []


def test_a_recording_is_rendered_before_the_alerts_that_read_it(run_check: Run, tmp_path: Path) -> None:
    run_check("promtool-check-rules", spec=RECORDED)
    (group,) = yaml.safe_load((tmp_path / "work" / outputs.RULES).read_text())["groups"]
    assert group["limit"] == 100
    assert group["rules"][0] == {"record": "service:latency_seconds:max", "expr": "max by (service) (latency_seconds)"}
    slow = group["rules"][2]
    assert (slow["alert"], slow["expr"], slow["keep_firing_for"]) == ("Slow", "service:latency_seconds:max > 2", "5m")


def test_an_alerts_own_suite_holds_the_recordings_it_reads(tmp_path: Path) -> None:
    stack = _load(tmp_path, RECORDED)
    rules = prometheus.rule_alone(stack, *_group_and(stack, "Slow"))
    assert [rule.get("record") or rule["alert"] for rule in rules["groups"][0]["rules"]] == [
        "service:latency_seconds:max",
        "Slow",
    ]
    rules = prometheus.rule_alone(stack, *_group_and(stack, "ApiDown"))
    assert [rule.get("record") or rule["alert"] for rule in rules["groups"][0]["rules"]] == ["ApiDown"]


def test_promtool_cases_see_through_the_recording(run_check: Run) -> None:
    """The case feeds raw latency_seconds; a quiet case at 3s proves promtool evaluated the recording."""
    wrong = RECORDED.replace('"pod": "a"}, value=1)', '"pod": "a"}, value=3)')
    assert wrong != RECORDED
    (problem,) = run_check("alert-tests", spec=wrong)
    assert "alert Slow: case 'fast' expected the alert stays quiet at 15m" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "signal=LATENCY.record",
            'signal="service:latency_seconds:p99"',
            "Alert 'Slow': field 'signal': reads 'service:latency_seconds:p99', named like a recorded series (it "
            "has a colon), but no Recording declares it (declared: 'service:latency_seconds:max')",
        ),
        (
            "recordings=(LATENCY,), alerts=(APIDOWN, SLOW))",
            'alerts=(APIDOWN, SLOW))\nOTHER = RuleGroup(name="other", recordings=(LATENCY,))',
            "Alert 'Slow': field 'signal': reads the recording 'service:latency_seconds:max', which is evaluated in "
            "group 'other', not its own group 'shop': declare it in that group, before its users",
        ),
        (
            "recordings=(LATENCY,),",
            'recordings=(Recording(record="service:latency_seconds:max_x2", expr=LATENCY.record + " * 2"), LATENCY),',
            "Recording 'service:latency_seconds:max_x2': field 'expr': reads the recording "
            "'service:latency_seconds:max', which is evaluated later in its own group 'shop'",
        ),
        (
            "recordings=(LATENCY,),",
            "recordings=(LATENCY, LATENCY.model_copy()),",
            "Recording 'service:latency_seconds:max': field 'record': 'service:latency_seconds:max' is declared more "
            "than once",
        ),
    ],
    ids=["unknown recording", "recording in another group", "recording after its user", "duplicate recording"],
)
def test_a_bad_reference_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in RECORDED
    with pytest.raises(SpecError) as raised:
        _load(tmp_path, RECORDED.replace(old, new))
    assert message in str(raised.value)
    assert "spec.py:" in str(raised.value)


def test_an_empty_group_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="RuleGroup 'empty': field 'alerts': a rule group needs at least one"):
        _load(tmp_path, RECORDED + '\nEMPTY = RuleGroup(name="empty")\n')


def _group_and(stack: Stack, name: str) -> tuple[RuleGroup, Alert]:
    alert = stack.alert(name)
    return prometheus.group_of(stack, alert), alert
