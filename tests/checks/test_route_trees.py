"""Routing trees: nested routes with their own grouping and timers, and named time intervals that mute
a route or make it active, checked by amtool and, for the time intervals, against a real Alertmanager."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from futuramon import tools
from futuramon.drill.capture import Capture
from futuramon.drill.servers import Server
from futuramon.errors import SpecError
from futuramon.loader import load
from futuramon.model import Route, RouteCase, Routing, TimeInterval, TimePeriod, moment
from futuramon.render import alertmanager, outputs
from futuramon.render.yamltext import to_yaml

from ..minimal_spec import MINIMAL
from .conftest import Run

TREE = (
    MINIMAL.replace("from futuramon.dsl import (", "from futuramon.dsl import (TimeInterval, TimePeriod, ")
    .replace(
        """routes=(route('severity="warning"', receiver="chat"),),""",
        """routes=(
                      route('team="shop"', receiver="chat", group_by=("alertname", "service"), group_wait="10s",
                            group_interval="1m", routes=(
                          route('severity="critical"', receiver="oncall", repeat_interval="1h",
                                active_time_intervals=("business-hours",)),
                          route('severity="warning"', mute_time_intervals=("maintenance",)),
                      )),
                      route('severity="warning"', receiver="chat"),
                  ),
                  time_intervals=(
                      TimeInterval(name="maintenance", periods=(
                          TimePeriod(weekdays=("saturday",), times=("02:00-04:00",), location="Europe/Madrid"),)),
                      TimeInterval(name="business-hours", periods=(
                          TimePeriod(weekdays=("monday:friday",), times=("09:00-17:00",)),)),
                  ),""",
    )
    .replace(
        """tests=(RouteCase(labels={"severity": "warning"}, receivers=("chat",)),))""",
        """tests=(RouteCase(labels={"severity": "warning"}, receivers=("chat",)),
                         RouteCase(labels={"team": "shop", "severity": "warning"}, receivers=("chat",),
                                   at="saturday 01:30", muted=("chat",)),
                         RouteCase(labels={"team": "shop", "severity": "warning"}, receivers=("chat",),
                                   at="saturday 03:30"),
                         RouteCase(labels={"team": "shop", "severity": "critical"}, receivers=("oncall",),
                                   at="sunday 10:00", muted=("oncall",)),
                         RouteCase(labels={"team": "shop", "severity": "critical"}, receivers=("oncall",),
                                   at="2030-12-24 10:00"),
                         RouteCase(labels={"team": "shop"}, receivers=("chat",))))""",
    )
)


@pytest.mark.parametrize("check", ["amtool-check-config", "route-tests", "unreachable-routes"])
def test_a_tree_passes(run_check: Run, check: str) -> None:
    assert run_check(check, spec=TREE) == []


def test_the_tree_renders_nested_with_its_own_settings(run_check: Run, tmp_path: Path) -> None:
    run_check("amtool-check-config", spec=TREE)
    config = yaml.safe_load((tmp_path / "work" / outputs.ALERTMANAGER).read_text())
    shop = config["route"]["routes"][0]
    assert (shop["group_by"], shop["group_wait"], shop["group_interval"]) == (["alertname", "service"], "10s", "1m")
    assert shop["routes"] == [
        {"matchers": ['severity="critical"'], "receiver": "oncall", "repeat_interval": "1h",
         "active_time_intervals": ["business-hours"], "continue": False},
        {"matchers": ['severity="warning"'], "mute_time_intervals": ["maintenance"], "continue": False},
    ]  # fmt: skip
    assert config["time_intervals"][0] == {
        "name": "maintenance",
        "time_intervals": [
            {"times": [{"start_time": "02:00", "end_time": "04:00"}], "weekdays": ["saturday"],
             "location": "Europe/Madrid"}
        ],
    }  # fmt: skip


def test_a_wrong_muted_case_fails(run_check: Run) -> None:
    wrong = TREE.replace('at="saturday 03:30"),', 'at="saturday 03:30", muted=("chat",)),')
    (problem,) = run_check("route-tests", spec=wrong)
    assert problem.message == (
        "labels {'severity': 'warning', 'team': 'shop'} at saturday 03:30: expected muted chat, "
        "the time intervals mute (none)"
    )


def test_the_model_routes_a_tree_as_amtool_does(tmp_path: Path) -> None:
    """Every label set here goes through both: futuramon's reading of the tree and amtool's."""
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "spec.py").write_text(TREE)
    (stack,) = load(specs)
    folder = tmp_path / "am"
    folder.mkdir()
    (folder / alertmanager.TEMPLATE_FILE).write_text(alertmanager.message_templates())
    (folder / "alertmanager.yml").write_text(to_yaml(alertmanager.config(stack)))
    for labels in [{"team": "shop", "severity": "critical"}, {"team": "shop", "severity": "warning"},
                   {"team": "shop"}, {"severity": "warning"}, {"severity": "critical"}, {}]:  # fmt: skip
        result = tools.route(folder / "alertmanager.yml", labels)
        assert result.code == 0
        assert result.output.splitlines()[0].split(",") == stack.routing.receivers_for(labels), labels


def test_an_unknown_time_interval_is_refused(tmp_path: Path) -> None:
    broken = TREE.replace('mute_time_intervals=("maintenance",)', 'mute_time_intervals=("maintenence",)')
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "spec.py").write_text(broken)
    with pytest.raises(SpecError) as raised:
        load(specs)
    assert "Route #1.2" in str(raised.value) and "field 'mute_time_intervals'" in str(raised.value)
    assert "expected one of 'maintenance', 'business-hours', got 'maintenence'" in str(raised.value)


# --- what a time period contains ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "at", "inside"),
    [
        (TimePeriod(weekdays=("saturday",), times=("02:00-04:00",)), "saturday 02:00", True),
        (TimePeriod(weekdays=("saturday",), times=("02:00-04:00",)), "saturday 04:00", False),  # end excluded
        (TimePeriod(weekdays=("saturday",), times=("02:00-04:00",)), "friday 03:00", False),
        (TimePeriod(weekdays=("monday:friday",)), "wednesday 23:59", True),
        (TimePeriod(weekdays=("monday:friday",)), "sunday 12:00", False),
        # 01:30 UTC on a Saturday in January is 02:30 in Madrid
        (TimePeriod(weekdays=("saturday",), times=("02:00-04:00",), location="Europe/Madrid"), "saturday 01:30", True),
        (TimePeriod(weekdays=("saturday",), times=("02:00-04:00",), location="Europe/Madrid"), "saturday 03:30", False),
        (TimePeriod(days_of_month=("-1",)), "2030-02-28 12:00", True),  # the last day of a 28-day February
        (TimePeriod(days_of_month=("-1",)), "2028-02-28 12:00", False),  # 2028 is a leap year
        (TimePeriod(days_of_month=("1:7",), months=("december",)), "2030-12-07 00:00", True),
        (TimePeriod(days_of_month=("1:7",), months=("december",)), "2030-11-07 00:00", False),
        (TimePeriod(months=("11:12",), years=("2030",)), "2030-11-01 00:00", True),
        (TimePeriod(months=("11:12",), years=("2030",)), "2031-11-01 00:00", False),
        (TimePeriod(times=("22:00-24:00",)), "monday 23:59", True),
    ],
)
def test_period_contains(period: TimePeriod, at: str, inside: bool) -> None:
    assert period.contains(moment(at)) is inside


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"weekdays": ("friday:monday",)}, "the range 'friday:monday' ends before it starts"),
        ({"weekdays": ("funday",)}, "expected a weekday or a range like monday:friday, got 'funday'"),
        ({"times": ("17:00-09:00",)}, "expected a time range like 09:00-17:00"),
        ({"location": "Mars/Olympus"}, "expected an IANA time zone like Europe/Madrid or UTC, got 'Mars/Olympus'"),
        ({"days_of_month": ("32",)}, "expected a day of the month"),
    ],
)
def test_a_bad_period_is_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(SpecError, match="TimePeriod") as raised:
        TimePeriod(**fields)  # type: ignore[arg-type]
    assert message in str(raised.value)


def test_a_muted_receiver_needs_a_moment() -> None:
    with pytest.raises(SpecError, match="`muted` needs `at`"):
        RouteCase(labels={"a": "b"}, receivers=("x",), muted=("x",))


# --- the same question asked of a real Alertmanager -----------------------------------------------------------


def _post(url: str, alerts: list[dict[str, object]]) -> None:
    request = urllib.request.Request(
        f"{url}/api/v2/alerts", json.dumps(alerts).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5):
        pass


def test_time_intervals_mute_as_a_real_alertmanager_does(tmp_path: Path) -> None:
    """Intervals built around this very moment: those futuramon says contain it must mute their route in a
    real Alertmanager, the others must let the notification through."""
    now = datetime.now(UTC)
    today, tomorrow = now.strftime("%A").lower(), (now + timedelta(days=1)).strftime("%A").lower()
    kiritimati = now.astimezone(ZoneInfo("Pacific/Kiritimati")).strftime("%A").lower()  # UTC+14: often tomorrow
    periods = {
        "today": TimePeriod(weekdays=(today,), days_of_month=(str(now.day),), months=(str(now.month),),
                            years=(str(now.year),)),
        "tomorrow": TimePeriod(weekdays=(tomorrow,)),
        "kiritimati": TimePeriod(weekdays=(kiritimati,), location="Pacific/Kiritimati"),
        "utc_in_kiritimati": TimePeriod(weekdays=(today,), location="Pacific/Kiritimati"),
        "last_year": TimePeriod(years=(str(now.year - 1),)),
        "all_day": TimePeriod(times=("00:00-24:00",)),
    }  # fmt: skip
    routing = Routing(
        receiver="oncall",
        group_by=("case",),
        group_wait="1s",
        group_interval="1s",
        repeat_interval="1h",
        routes=tuple(Route(matchers=(f'case="{name}"',), mute_time_intervals=(name,)) for name in periods),
        time_intervals=tuple(TimeInterval(name=name, periods=(period,)) for name, period in periods.items()),
    )
    muted = {name for name in periods if routing.muted_at({"case": name}, now)}
    assert {"today", "all_day"} <= muted and not {"tomorrow", "last_year"} & muted  # the model, on its own
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "spec.py").write_text(MINIMAL)
    stack = load(specs)[0].model_copy(update={"routing": routing})
    config = alertmanager.config(stack)
    with Capture() as capture:
        config["receivers"] = [{"name": "oncall", "webhook_configs": [{"url": f"{capture.url}/hook/oncall"}]}]
        (tmp_path / alertmanager.TEMPLATE_FILE).write_text(alertmanager.message_templates())
        (tmp_path / "alertmanager.yml").write_text(to_yaml(config))
        args = [f"--config.file={tmp_path / 'alertmanager.yml'}", f"--storage.path={tmp_path / 'data'}",
                "--cluster.listen-address=", "--log.level=warn"]  # fmt: skip
        with Server("alertmanager", args, tmp_path) as server:
            _post(server.url, [{"labels": {"alertname": "Probe", "case": name}} for name in periods])
            deadline = time.monotonic() + 20
            while capture.count() < len(periods) - len(muted) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(3)  # long enough for a muted route's notification to have arrived, had it not been muted
        delivered = {alert["labels"]["case"] for _, body in capture.since(0) for alert in body["alerts"]}
    assert delivered == set(periods) - muted
