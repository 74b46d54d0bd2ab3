"""The model's own rules, where a spec author meets them first."""

from __future__ import annotations

import pytest

from futuramon.dsl import Grid, Panel, Query, Routing, alert, route, runbook, step
from futuramon.errors import SpecError
from futuramon.model import Dashboard, duration_seconds, matches, number

BOOK = runbook("s", [step("look")], ["fix"])


def _alert(signal: str, op: str = ">") -> str:
    return alert("A", signal=signal, op=op, threshold=0.5, for_="5m", severity="warning", category="c",
                 summary="s", description="d", panel="P", runbook=BOOK).expr  # fmt: skip


def test_expr_is_signal_op_threshold() -> None:
    assert _alert("sum(rate(x_total[5m]))") == "sum(rate(x_total[5m])) > 0.5"


def test_set_operations_are_bracketed_before_the_comparison() -> None:
    assert _alert("rate(a[5m]) or rate(b[5m])") == "(rate(a[5m]) or rate(b[5m])) > 0.5"
    assert _alert("rate(a[5m]) / rate(b[5m])", "<") == "rate(a[5m]) / rate(b[5m]) < 0.5"


@pytest.mark.parametrize(("value", "text"), [(10, "10"), (0.9, "0.9"), (1e-6, "1e-06"), (-3.0, "-3")])
def test_thresholds_read_as_promql_numbers(value: float, text: str) -> None:
    assert number(value) == text


@pytest.mark.parametrize(
    ("value", "seconds"), [("30s", 30), ("5m", 300), ("1h30m", 5400), ("1d", 86400), ("500ms", 0.5)]
)
def test_durations(value: str, seconds: float) -> None:
    assert duration_seconds(value) == seconds


@pytest.mark.parametrize("value", ["5 minutes", "5", "", "m5", "1.5h"])
def test_bad_durations_are_refused(value: str) -> None:
    with pytest.raises(SpecError, match="expected a Prometheus duration"):
        Routing(receiver="r", group_by=(), group_wait=value, group_interval="5m", repeat_interval="1h")


def test_matchers() -> None:
    assert matches('severity="critical"', {"severity": "critical"})
    assert not matches('severity!="critical"', {"severity": "critical"})
    assert matches('alertname=~"HighCPUUsage|HighMemoryUsage"', {"alertname": "HighMemoryUsage"})
    assert not matches('alertname=~"High"', {"alertname": "HighMemoryUsage"}), "regexes are anchored"
    assert matches('team!~".+"', {}), "a missing label is the empty string"


def test_routing_follows_continue() -> None:
    routing = Routing(receiver="root", group_by=(), group_wait="30s", group_interval="5m", repeat_interval="1h",
                      routes=(route('a="1"', receiver="one", continue_=True), route('b="2"', receiver="two"),
                              route('b="2"', receiver="never")))  # fmt: skip
    assert routing.receivers_for({"a": "1", "b": "2"}) == ["one", "two"]
    assert routing.receivers_for({"a": "1"}) == ["one"]
    assert routing.receivers_for({}) == ["root"]


def test_panels_flow_into_rows_of_24_columns() -> None:
    panels = [
        Panel(title=f"P{i}", kind="stat", queries=(Query(expr="up"),), width=w) for i, w in enumerate([12, 12, 6, 24])
    ]
    explicit = Panel(title="E", kind="stat", queries=(Query(expr="up"),), grid=Grid(x=0, y=40, w=3, h=2))
    positions = Dashboard(uid="d", title="D", panels=(*panels, explicit)).positions()
    assert [(g.x, g.y, g.w) for g in positions] == [(0, 0, 12), (12, 0, 12), (0, 8, 6), (0, 16, 24), (0, 40, 3)]


def test_panel_ids_do_not_shift_when_a_panel_is_inserted() -> None:
    panels = [Panel(title=title, kind="stat", queries=(Query(expr="up"),)) for title in ("A", "B", "C")]
    before = {p.title: p.id for p in Dashboard(uid="d", title="D", panels=tuple(panels)).panels}
    inserted = Panel(title="New", kind="stat", queries=(Query(expr="up"),))
    after = {p.title: p.id for p in Dashboard(uid="d", title="D", panels=(inserted, *panels)).panels}
    assert {title: after[title] for title in before} == before
    assert len(set(after.values())) == 4


def test_the_unit_ids_are_the_grafana_sdks() -> None:
    from grafana_foundation_sdk.models import units

    from futuramon.grafana_units import UNITS

    assert {v for k, v in vars(units).items() if not k.startswith("_") and isinstance(v, str)} == UNITS


def test_a_boolean_is_no_number_in_an_optional_field_either() -> None:
    from futuramon.model import AlertOverride

    with pytest.raises(SpecError, match="field 'threshold': expected a number, got True"):
        AlertOverride(threshold=True)
