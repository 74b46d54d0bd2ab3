"""Backtest against a real Prometheus loaded with known history: episodes to the evaluation step."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from futuramon.drill.servers import free_port
from futuramon.live.api import QueryError, iso, parse_time
from futuramon.live.backtest import backtest, full_labels, history
from futuramon.live.notify import Firing, notifications
from futuramon.model import Stack, duration_seconds
from futuramon.pipeline import Rendered
from tests.conftest import SPECS, Cli, Golden
from tests.live import history as known
from tests.live.alertmanager_replay import replay
from tests.live.conftest import Live

START, END = known.START, known.END
CLUSTER = {"cluster": "prod"}


def _expected(bursts: tuple[known.Burst, ...], hold: str) -> list[tuple[str, str]]:
    """A burst of n one-minute samples fires `for` after it starts, if it lasts longer than `for`, and
    resolves at the first sample after it."""
    return [(iso(b.start + duration_seconds(hold)), iso(b.end)) for b in bursts
            if b.minutes * 60 > duration_seconds(hold)]  # fmt: skip


def _episodes(live: Live, stack: Stack, name: str, **change: str) -> list[tuple[str, str | None]]:
    alert = stack.alert(name).model_copy(update=change)
    found = history(live.prometheus, stack, alert, START, END)
    return [(iso(e.start), iso(e.end) if e.end is not None else None) for _, e in found.episodes]


def test_episodes_match_the_known_bursts_for_included(live: Live, rendered: Rendered) -> None:
    stack = rendered.stack
    mongo = _episodes(live, stack, "MongoDBConnectionIssues")
    assert mongo == _expected(known.MONGO_BURSTS, "2m")
    assert mongo == [  # the 1m and the 2m bursts never fire: `for: 2m` needs a third evaluation
        ("2026-11-03T09:02:00Z", "2026-11-03T09:30:00Z"),
        ("2026-11-08T22:12:00Z", "2026-11-08T22:13:00Z"),
        ("2026-11-12T06:02:00Z", "2026-11-12T06:40:00Z"),
        ("2026-11-12T06:43:00Z", "2026-11-12T07:30:00Z"),
    ]
    assert _episodes(live, stack, "RedisDown") == _expected(known.REDIS_BURSTS, "2m")


def test_a_longer_for_drops_the_short_bursts(live: Live, rendered: Rendered) -> None:
    assert (
        _episodes(live, rendered.stack, "MongoDBConnectionIssues", for_="35m")
        == [
            ("2026-11-12T06:35:00Z", "2026-11-12T06:40:00Z"),
            ("2026-11-12T07:16:00Z", "2026-11-12T07:30:00Z"),
        ]
        == _expected(known.MONGO_BURSTS, "35m")
    )


def test_keep_firing_for_bridges_the_gap_and_holds_the_end(live: Live, rendered: Rendered) -> None:
    assert _episodes(live, rendered.stack, "MongoDBConnectionIssues", keep_firing_for="5m") == [
        ("2026-11-03T09:02:00Z", "2026-11-03T09:35:00Z"),
        ("2026-11-08T22:12:00Z", "2026-11-08T22:18:00Z"),
        ("2026-11-12T06:02:00Z", "2026-11-12T07:35:00Z"),  # the one-minute gap at 06:40 no longer resolves it
    ]


def test_an_episode_still_firing_at_the_end_has_no_end(live: Live, rendered: Rendered) -> None:
    stack = rendered.stack
    alert = stack.alert("MongoDBConnectionIssues")
    found = history(live.prometheus, stack, alert, START, parse_time("2026-11-03T09:10:00Z"))
    assert [(iso(e.start), e.end) for _, e in found.episodes] == [("2026-11-03T09:02:00Z", None)]
    assert dict(found.episodes[0][0]) == {**CLUSTER, "instance": "mongodb:9216"}


def test_the_incident_notifies_as_routed_with_inhibition(live: Live, rendered: Rendered) -> None:
    result = backtest(live.prometheus, rendered.stack, rendered.stack.alerts, START, END)
    by_name = {h.alert.name: h for h in result.alerts}
    # HighResponseTime fires first (10:05) and is heard; from 10:11 HighErrorRate (critical, same cluster and
    # service) mutes it, so no message until it resolves at 10:54: one firing and one resolved message.
    assert by_name["HighResponseTime"].notifications() == {"warnings": 2}
    assert by_name["LowPaymentSuccessRate"].notifications() == {"critical": 2, "payments": 2}
    assert by_name["LowPaymentSuccessRate"].messages() == {
        "critical discord": 2,
        "critical slack #alerts-critical": 2,
        "payments slack #payments-alerts": 2,
    }
    assert by_name["TicketGenerationFailures"].no_data == ["ticket_generation_failures_total"]


def test_notifications_match_a_real_alertmanager(live: Live, rendered: Rendered) -> None:
    """The incident of 10 November, replayed into a real Alertmanager (time compressed), sends exactly the
    messages the simulation counts."""
    stack = rendered.stack
    start, end = parse_time(f"{known.INCIDENT}T09:55:00Z"), parse_time(f"{known.INCIDENT}T11:00:00Z")
    firings = [
        Firing(full_labels(h.alert, labels), e.start, e.end)
        for h in backtest(live.prometheus, stack, stack.alerts, start, end).alerts
        for labels, e in h.episodes
    ]
    assert len(firings) == 4
    simulated = Counter[tuple[str, str, str]]()
    for sent in notifications(stack, firings, end):
        simulated[(sent.receiver, sent.integration.split()[0], "firing" if sent.firing else "resolved")] += 1
    assert simulated == replay(stack, firings, start, end)
    assert sum(simulated.values()) == 16


RANGE = ("--from", "2026-11-02T00:00:00Z", "--to", "2026-11-16T00:00:00Z")


def test_cli_text(live: Live, cli: Cli, golden: Golden) -> None:
    code, out, err = cli("backtest", "--prometheus", live.url, *RANGE, "--env", "production", "--specs", SPECS)
    assert (code, err) == (0, "")
    golden("backtest.txt", out)
    assert "TicketGenerationFailures (> 1/s for 5m, every 1m): 0 episodes" in out
    assert "  no data: ticket_generation_failures_total has no series in this range" in out


def test_cli_json_lists_episodes_and_notifications_per_receiver(live: Live, cli: Cli) -> None:
    code, out, _ = cli("backtest", "-p", live.url, *RANGE, "--alert", "RedisDown", "--alert", "HighResponseTime",
                       "--format", "json", "--env", "production", "--specs", SPECS)  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert [a["alert"] for a in document["alerts"]] == ["RedisDown", "HighResponseTime"]
    redis = document["alerts"][0]
    assert redis["episodes"] == [
        {"start": "2026-11-04T02:02:00Z", "end": "2026-11-04T02:10:00Z",
         "labels": {"cluster": "prod", "instance": "redis:9121"}},
        {"start": "2026-11-13T18:32:00Z", "end": "2026-11-13T18:34:00Z",
         "labels": {"cluster": "prod", "instance": "redis:9121"}},
    ]  # fmt: skip
    assert redis["notifications"] == {"critical": 4}
    assert redis["firing_seconds"] == 600
    assert document["alerts"][1]["notifications"] == {"warnings": 2}


def test_cli_plot_draws_one_panel_per_alert(live: Live, cli: Cli, tmp_path: Path) -> None:
    one, three = tmp_path / "one.png", tmp_path / "three.png"
    assert (
        cli(
            "backtest",
            "-p",
            live.url,
            *RANGE,
            "--alert",
            "RedisDown",
            "--plot",
            one,
            "--env",
            "production",
            "--specs",
            SPECS,
        )[0]
        == 0
    )
    code, _, err = cli("backtest", "-p", live.url, *RANGE, "--alert", "RedisDown", "--alert", "HighErrorRate",
                       "--alert", "TicketGenerationFailures", "--plot", three,
                       "--env", "production", "--specs", SPECS)  # fmt: skip
    assert (code, err) == (0, f"plotted 3 alerts into {three}\n")
    assert one.read_bytes()[:8] == three.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _png_height(three) > 2.5 * _png_height(one)


def _png_height(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[20:24], "big")


def test_cli_errors(live: Live, cli: Cli) -> None:
    code, _, err = cli(
        "backtest", "-p", live.url, *RANGE, "--alert", "NoSuchAlert", "--env", "production", "--specs", SPECS
    )
    assert (code, err) == (2, "error: no alert named 'NoSuchAlert'; `futuramon list alerts` shows them\n")
    code, _, err = cli("backtest", "-p", live.url, "--from", "2026-11-16T00:00:00Z", "--to", "2026-11-02T00:00:00Z",
                       "--env", "production", "--specs", SPECS)  # fmt: skip
    assert (code, err) == (2, "error: --from (2026-11-16T00:00:00Z) must be before --to (2026-11-02T00:00:00Z)\n")
    code, _, err = cli("backtest", "-p", live.url, "--from", "last tuesday", "--env", "production", "--specs", SPECS)
    assert code == 2 and "expected a time like 2026-11-03T09:00:00Z, now or now-7d, got 'last tuesday'" in err
    code, _, err = cli(
        "backtest", "-p", f"http://127.0.0.1:{free_port()}", *RANGE, "--env", "production", "--specs", SPECS
    )
    assert code == 2 and err.startswith("error: cannot reach the Prometheus query API at http://127.0.0.1:")
    assert "Traceback" not in err


def test_a_long_episode_repeats_after_repeat_interval(rendered: Rendered) -> None:
    """Critical alerts repeat every 4h: at the first group_interval tick after 4h have passed since the last
    message (Alertmanager compares with the time it logged that message, a little after its tick)."""
    stack = rendered.stack
    labels = full_labels(stack.alert("RedisDown"), (("cluster", "prod"), ("instance", "redis:9121")))
    start = known.START
    sent = notifications(stack, [Firing(labels, start, start + 5 * 3600)], start + 6 * 3600)
    assert [(s.receiver, s.integration, s.at - start, bool(s.firing)) for s in sent if s.integration != "discord"] == [
        ("critical", "slack #alerts-critical", 30, True),  # group_wait
        ("critical", "slack #alerts-critical", 30 + 49 * 300, True),  # 4h5m30s: the tick at 4h0m30s is not past 4h
        ("critical", "slack #alerts-critical", 30 + 60 * 300, False),  # resolved, at the tick after 5h
    ]


def test_a_range_without_data_and_a_refused_query_say_so(live: Live, cli: Cli, rendered: Rendered) -> None:
    code, _, err = cli("backtest", "-p", live.url, "--from", "2026-10-01T00:00:00Z", "--to", "2026-10-02T00:00:00Z",
                       "--env", "production", "--specs", SPECS)  # fmt: skip
    assert (code, err) == (2, f"error: {live.url} has no series at all between 2026-10-01T00:00:00Z and "
                              "2026-10-02T00:00:00Z: check --prometheus, --from and --to\n")  # fmt: skip
    stack = rendered.stack
    many = stack.alert("HighErrorRate").model_copy(
        update={"signal": "http_requests_total / on (cluster) payment_total"}
    )
    with pytest.raises(QueryError) as refused:
        history(live.prometheus, stack, many, START, END)
    message = str(refused.value)
    assert message.startswith(f"specs/alerts.py:23: Alert 'HighErrorRate': {live.url} refused /api/v1/query_range: ")
    assert "many-to-one matching must be explicit" in message
