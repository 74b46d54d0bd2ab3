"""Short test cases: the series helpers write promtool's notation; from one firing case futuramon works out its
moment and labels and derives the quiet cases (before the hold, just below the threshold), which promtool runs
and which fail when the rendered rule's `for` or threshold is wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from futuramon import cases
from futuramon.dsl import counter, fires, gauge, histogram, quiet, series
from futuramon.errors import SpecError
from futuramon.loader import load
from futuramon.model import Alert, Series
from futuramon.pipeline import Build, Rendered
from futuramon.render import prometheus

from .conftest import OUT, SPECS, Cli
from .minimal_spec import MINIMAL

APP = {"cluster": "prod", "service": "api"}


def test_counter_gauge_and_series_write_promtool_notation() -> None:
    assert counter("http_requests_total", APP | {"status": "500"}, per_second=11, minutes=20) == Series(
        selector='http_requests_total{cluster="prod", service="api", status="500"}', values="0+660x20"
    )
    assert gauge("redis_up", {"instance": "redis:9121"}, value=0) == Series(
        selector='redis_up{instance="redis:9121"}', values="0x60"
    )
    assert counter("errors_total", per_second=0.79).values == "0+47.4x60"  # not 47.400000000000006
    assert series("orders_total", APP, values="0x30 1x50").selector == 'orders_total{cluster="prod", service="api"}'
    assert gauge("info", {"path": 'C:\\ "x"'}, value=1).selector == 'info{path="C:\\\\ \\"x\\""}'


def test_histogram_puts_every_observation_in_one_bucket() -> None:
    buckets = histogram("latency_seconds", APP, per_second=2, between=(1, 2), buckets=(0.5, 1, 2, 5))
    assert [(s.selector.split("le=")[1], s.values) for s in buckets] == [
        ('"0.5"}', "0x60"),
        ('"1"}', "0x60"),
        ('"2"}', "0+120x60"),
        ('"5"}', "0+120x60"),
        ('"+Inf"}', "0+120x60"),
    ]
    assert buckets[0].selector == 'latency_seconds_bucket{cluster="prod", service="api", le="0.5"}'


def test_histogram_between_must_be_one_bucket() -> None:
    with pytest.raises(SpecError) as error:
        histogram("latency_seconds", per_second=1, between=(1, 5), buckets=(0.5, 1, 2, 5))
    assert str(error.value) == (
        "histogram 'latency_seconds': field 'between': between=(1, 5) is not one bucket of ['0.5', '1', '2', '5']: "
        "one of (0, 0.5), (0.5, 1), (1, 2), (2, 5)"
    )


def _expanded(rendered: Rendered, name: str) -> list[tuple[str, str, bool, dict[str, str], list[str]]]:
    stack = rendered.stack
    return [(c.name, c.at, c.fires, c.labels, [s.values for s in c.series])
            for c in cases.expanded(stack, stack.alert(name))]  # fmt: skip


def test_a_counter_rate_alert_gets_its_moment_labels_and_quiet_cases(rendered: Rendered) -> None:
    """rate(...[5m]) of a counter at 11/s reads 11 from minute 5; held 5m, the alert fires at 10m."""
    assert _expanded(rendered, "HighErrorRate") == [
        ("at 11 req/s", "10m", True, {"cluster": "prod", "service": "api"}, ["0+660x60"]),
        ("before its 5m have passed", "9m", False, {}, ["0+660x60"]),
        ("just under, at 9.9 req/s", "15m", False, {}, ["0+594x60"]),
        ("4xx are not 5xx", "15m", False, {}, ["0+660x60"]),
    ]


def test_a_ratio_scales_its_first_series_and_a_gauge_fires_from_the_start(rendered: Rendered) -> None:
    assert _expanded(rendered, "LowPaymentSuccessRate") == [
        ("at 85%", "11m", True, {"cluster": "prod", "service": "api"}, ["0+51x60", "0+60x60"]),
        ("before its 10m have passed", "10m", False, {}, ["0+51x60", "0+60x60"]),
        ("just over, at 90.9%", "21m", False, {}, ["0+54.54x60", "0+60x60"]),
    ]
    assert [case[:3] for case in _expanded(rendered, "MongoDBConnectionIssues")][:3] == [
        ("at 5", "2m", True), ("before its 2m have passed", "1m", False), ("just over, at 10.1", "2m", False)
    ]  # fmt: skip


def test_a_histogram_quantile_moves_its_observations_to_the_bucket_below(rendered: Rendered) -> None:
    firing, hold, below = _expanded(rendered, "HighResponseTime")
    assert firing[:4] == ("at 4.85s", "6m", True, {"cluster": "prod", "service": "api"})
    assert hold[:3] == ("before its 5m have passed", "5m", False)
    assert below[:3] == ("just under, at 1.95s", "11m", False)  # every request between 1s and 2s
    assert below[4] == ["0x60", "0x60", "0x60", "0+120x60", "0+120x60", "0+120x60"]


def _spec(tmp_path: Path, tests: str, signal: str = "sum by (service) (rate(requests_total[5m]))",
          op: str = ">", for_: str = "10m") -> None:  # fmt: skip
    specs = tmp_path / "specs"
    specs.mkdir(exist_ok=True)
    text = (
        MINIMAL.replace("alert, fires,", "alert, counter, fires, series,")
        .replace(
            'SLOW = alert("Slow", signal="max by (service) (latency_seconds)", op=">", threshold=2, for_="10m",',
            f'SLOW = alert("Slow", signal={signal!r}, op={op!r}, threshold=2, for_={for_!r},',
        )
        .replace('description="slow", runbook=BOOK)', f'description="slow", runbook=BOOK, tests=({tests},))')
    )
    (specs / "spec.py").write_text(text)


@pytest.fixture
def expand(tmp_path: Path) -> Callable[..., list[cases.Proven]]:
    def run(tests: str, **alert: str) -> list[cases.Proven]:
        _spec(tmp_path, tests, **alert)
        (stack,) = load(tmp_path / "specs")
        return list(cases.expanded(stack, stack.alert("Slow")))

    return run


def test_what_cannot_be_derived_is_an_error_naming_the_case(expand: Callable[..., list[cases.Proven]]) -> None:
    with pytest.raises(SpecError) as error:
        expand('fires(series("requests_total", {"service": "api"}, values="0x10 600x50"))')
    assert str(error.value).endswith(
        "Alert 'Slow': field 'tests': firing case '(unnamed)': cannot work out its name, its at, its labels, the "
        "quiet case before its for has passed (hold=False turns it off), the quiet case just below the threshold "
        "(below=False turns it off): the series requests_total{service=\"api\"} has values '0x10 600x50', not one "
        "straight line like 0+660x20 or 5x20"
    )
    assert "specs/spec.py:15: " in str(error.value)  # the line of the alert that holds the case


def test_a_firing_case_that_does_not_fire_is_left_for_promtool_to_fail(
    expand: Callable[..., list[cases.Proven]],
) -> None:
    """A threshold moved past the case (1/s, threshold 2): no moment to work out, nothing derived; the case
    expects the alert firing at its series' end, which promtool reports as failed (exit 1, not a bad spec)."""
    (case,) = expand('fires(counter("requests_total", {"service": "api"}, per_second=1))')
    assert (case.name, case.at, case.fires, case.labels) == ("at 1", "60m", True, {"service": "api"})


def test_an_equality_alert_must_turn_below_off(expand: Callable[..., list[cases.Proven]]) -> None:
    with pytest.raises(SpecError) as error:
        expand('fires(gauge("latency_seconds", {"service": "api"}, value=2))',
               signal="max by (service) (latency_seconds)", op="==")  # fmt: skip
    assert str(error.value).endswith(
        "cannot derive the case just below the threshold: its op == has no quiet side just below or above the "
        "threshold; write that quiet case yourself and pass below=False"
    )


def test_a_case_that_states_everything_and_derives_nothing_stays_as_written(
    expand: Callable[..., list[cases.Proven]],
) -> None:
    (case,) = expand('fires(series("requests_total", {"service": "api"}, values="0x10 600x50"), at="12m", '
                     'labels={"service": "api"}, name="burst", hold=False, below=False)')  # fmt: skip
    assert (case.name, case.at, case.labels, case.fires) == ("burst", "12m", {"service": "api"}, True)


def test_a_quiet_case_states_its_name_and_moment() -> None:
    with pytest.raises(SpecError) as error:
        quiet("fast", gauge("latency_seconds", value=1), at=None)  # type: ignore[arg-type]
    assert "AlertCase: field 'at': a quiet case states its at" in str(error.value)
    assert fires(gauge("up", value=0)).at is None


def _wrong(alert: Alert, *, hold: bool) -> Alert:
    """The alert with its `for` a minute shorter, or its threshold moved past the derived case's signal."""
    if hold:
        minutes = int(alert.for_.removesuffix("m"))
        return alert.model_copy(update={"for_": f"{minutes - 1}m"})
    if alert.op in ("==", "!="):
        return alert  # no case just below: written by hand
    step = abs(alert.threshold) * 0.03 or 0.5
    return alert.model_copy(update={"threshold": alert.threshold + (-step if alert.op in (">", ">=") else step)})


@pytest.mark.parametrize("hold", [True, False], ids=["for-a-minute-short", "threshold-moved"])
def test_a_wrongly_rendered_rule_fails_validate_through_the_derived_case(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, built: Build, hold: bool
) -> None:
    """As if the renderer wrote every rule with a `for` a minute short, or a threshold 3% toward the signal:
    `validate` fails on the derived cases that guard them: a minute short fails exactly the cases before the
    hold; a moved threshold fails every case just below it (1% below, or the bucket below for a quantile), and
    the cases before the hold of signals that ramp up, which now cross earlier."""
    render_alone = prometheus.rule_alone

    def wrongly(stack: Any, group: Any, alert: Alert) -> dict[str, Any]:
        return render_alone(stack, group, _wrong(alert, hold=hold))

    monkeypatch.setattr(prometheus, "rule_alone", wrongly)
    code, out, _ = cli("validate", "--specs", SPECS, "--out", OUT, "--env", "production", "--only", "alert-tests",
                       "--format", "json")  # fmt: skip
    assert code == 1
    failed = sorted(p["message"].split(": case '")[1].split("'")[0] for p in json.loads(out)["problems"])
    stack = next(e.stack for e in built.environments if e.name == "production")
    expanded = [c.name for a in stack.alerts for c in cases.expanded(stack, a)]
    before = sorted(name for name in expanded if name.startswith("before its"))
    below = sorted(name for name in expanded if name.startswith("just "))
    assert (len(before), len(below)) == (15, 12)
    if hold:
        assert failed == before
    else:
        assert set(below) <= set(failed) <= set(below) | set(before)


def _validate_moved(cli: Cli, monkeypatch: pytest.MonkeyPatch, specs: Path, out: Path) -> tuple[int, list[str]]:
    """`validate --only alert-tests` as if every rule were rendered with its threshold 3% toward the signal: its
    exit code and the cases that failed."""
    render_alone = prometheus.rule_alone
    monkeypatch.setattr(prometheus, "rule_alone",
                        lambda stack, group, alert: render_alone(stack, group, _wrong(alert, hold=False)))  # fmt: skip
    code, out_text, _ = cli("validate", "--specs", specs, "--out", out, "--only", "alert-tests", "--format", "json")
    return code, sorted(p["message"].split(": case '")[1].split("'")[0] for p in json.loads(out_text)["problems"])


_RAMP = 'fires(series("latency_seconds", {"service": "api"}, values="2.2+0.05x200"))'
_STEEP = 'fires(series("latency_seconds", {"service": "api"}, values="0.55+0.1x60"))'


def test_a_ramping_signal_is_just_under_the_threshold_for_its_whole_for(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A latency rising 0.05 a minute above 2, held 2m, fires at minute 2; over a `for` it rises 0.1, 4% of its
    2.3 then: scaled to 1.98 at that minute it read 1.89 two minutes earlier, and a threshold moved 3% (1.94) let
    that case pass. The case just under is evaluated where the rise stays within 1% of the signal: at minute 157
    (9.95 to 10.05 over its `for`), scaled to read 1.98 to 2.0 all along: a threshold moved past 1.98 fails it."""
    _spec(tmp_path, _RAMP, signal="max by (service) (latency_seconds)", for_="2m")
    (stack,) = load(tmp_path / "specs")
    assert [(c.name, c.at, c.fires, [s.values for s in c.series]) for c in cases.expanded(stack, stack.alert("Slow"))
            ] == [("at 2.3", "2m", True, ["2.2+0.05x200"]),
                  ("before its 2m have passed", "1m", False, ["2.2+0.05x200"]),
                  ("just under, at 1.98", "157m", False, ["0.437788944724+0.00994974874372x200"])]  # fmt: skip
    code, out, _ = cli("validate", "--specs", tmp_path / "specs", "--out", tmp_path / "out", "--only", "alert-tests")
    assert code == 0, out
    assert _validate_moved(cli, monkeypatch, tmp_path / "specs", tmp_path / "out") == (1, ["just under, at 1.98"])


def test_a_signal_too_steep_for_a_case_just_under_is_refused_by_every_command(tmp_path: Path, cli: Cli) -> None:
    """Rising 0.1 a minute (by 1 over its 10m `for`, a third of 3.05) up to the series' end, the signal is never
    within 1% of the threshold for a whole `for`: loading the specs stops, for `list` as for `render`."""
    _spec(tmp_path, _STEEP, signal="max by (service) (latency_seconds)")
    for command in ("list", "alerts"), ("render", "--out", tmp_path / "out"):
        code, _, err = cli(*command, "--specs", tmp_path / "specs")
        assert code == 2, err
        assert (
            f"{tmp_path / 'specs' / 'spec.py'}:15: Alert 'Slow': field 'tests': firing case '(unnamed)': cannot "
            "derive the case just below the threshold: the signal goes from 2.05 to 3.05 over the 10m up to "
            "minute 25, more than the 1% a case just on the quiet side of the threshold for a whole `for` "
            "allows, and does not steady by the series' end: give the case series whose signal is steady (a "
            "counter at a pace, a gauge at a value); write that quiet case yourself and pass below=False" in err
        )
    assert not (tmp_path / "out").exists()


def test_an_alert_with_no_for_derives_no_case_before_it(tmp_path: Path, cli: Cli) -> None:
    """`for: 0s` holds nothing: the alert fires at its first minute over the threshold (here 0), and no case
    "before its 0s have passed" (at -1m, which promtool refuses) is derived."""
    _spec(tmp_path, 'fires(gauge("latency_seconds", {"service": "api"}, value=3))',
          signal="max by (service) (latency_seconds)", for_="0s")  # fmt: skip
    (stack,) = load(tmp_path / "specs")
    assert [(c.name, c.at, c.fires) for c in cases.expanded(stack, stack.alert("Slow"))] == [
        ("at 3", "0m", True), ("just under, at 1.98", "0m", False)]  # fmt: skip
    code, out, _ = cli("validate", "--specs", tmp_path / "specs", "--out", tmp_path / "out", "--only", "alert-tests")
    assert code == 0, out


def test_each_environment_derives_the_cases_of_a_shared_alert_itself(tmp_path: Path) -> None:
    """The very same alert object in two environments, reading a recording that each fills with its namespace:
    live's firing case fires; staging's reads another namespace, so nothing fires there and nothing is derived
    (promtool fails that case), whichever environment was derived first."""
    _spec(tmp_path, 'fires(gauge("latency_seconds", {"namespace": "shop", "service": "api"}, value=3))',
          signal="shop:latency:max")  # fmt: skip
    spec = tmp_path / "specs" / "spec.py"
    spec.write_text(spec.read_text().replace("RuleGroup(name=\"shop\", alerts=(APIDOWN, SLOW))",
                                             "RuleGroup(name=\"shop\", alerts=(APIDOWN, SLOW), recordings=(Recording("
                                             "record=\"shop:latency:max\", expr='max by (service) (latency_seconds"
                                             "{namespace=\"{namespace}\"})'),))")
                    .replace("RouteCase,", "Recording, RouteCase,")
                    + "\nfrom futuramon.dsl import Environment\n\n"
                    'LIVE = Environment(name="live", namespace="shop")\n'
                    'STAGING = Environment(name="staging", namespace="shop-staging")\n')  # fmt: skip
    live, staging = load(tmp_path / "specs")
    assert live.alert("Slow") is staging.alert("Slow")
    assert [(c.name, c.at) for c in cases.expanded(staging, staging.alert("Slow"))] == [("fires by 60m", "60m")]
    assert [(c.name, c.at) for c in cases.expanded(live, live.alert("Slow"))] == [
        ("at 3", "10m"), ("before its 10m have passed", "9m"), ("just under, at 1.98", "10m")]  # fmt: skip


def test_the_derived_cases_follow_an_environments_override(tmp_path: Path) -> None:
    """Staging holds Slow 15m instead of 10m: its cases fire and stay quiet by its own `for` (3/s crosses 2 at
    minute 4 of the 5m rate window)."""
    _spec(tmp_path, 'fires(counter("requests_total", {"service": "api"}, per_second=3))')
    spec = tmp_path / "specs" / "spec.py"
    spec.write_text(spec.read_text() + "\nfrom futuramon.dsl import AlertOverride, Environment\n\n"
                    'LIVE = Environment(name="live", namespace="shop")\n'
                    'STAGING = Environment(name="staging", namespace="shop-staging",\n'
                    '                      overrides={"Slow": AlertOverride(for_="15m")})\n')  # fmt: skip
    live, staging = load(tmp_path / "specs")
    assert [(c.name, c.at) for c in cases.expanded(live, live.alert("Slow"))] == [
        ("at 3", "14m"), ("before its 10m have passed", "13m"), ("just under, at 1.98", "19m")]  # fmt: skip
    assert [(c.name, c.at) for c in cases.expanded(staging, staging.alert("Slow"))] == [
        ("at 3", "19m"), ("before its 15m have passed", "18m"), ("just under, at 1.98", "24m")]  # fmt: skip


def test_a_too_low_alert_derives_the_case_just_over(tmp_path: Path, cli: Cli) -> None:
    """`rate < 2` at 1/s: the rate ramps up from 0, below 2 from the first minute; just over is 2.02/s, whose
    ramp passes under 2 for the first 4 minutes only, too short for the `for`: promtool agrees."""
    _spec(tmp_path, 'fires(counter("requests_total", {"service": "api"}, per_second=1))', op="<")
    (stack,) = load(tmp_path / "specs")
    assert [(c.name, c.at, c.fires) for c in cases.expanded(stack, stack.alert("Slow"))] == [
        ("at 1", "11m", True),
        ("before its 10m have passed", "10m", False),
        ("just over, at 2.02", "16m", False),
    ]
    code, out, _ = cli("validate", "--specs", tmp_path / "specs", "--out", tmp_path / "out", "--only", "alert-tests")
    assert code == 0, out
