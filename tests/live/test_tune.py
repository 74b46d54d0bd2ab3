"""tune against a real Prometheus: the threshold that fires at most N times, from the known daily peaks."""

from __future__ import annotations

from pathlib import Path

from futuramon.live.backtest import history
from futuramon.live.tune import tune
from futuramon.pipeline import Rendered
from tests.conftest import SPECS, Cli, Golden
from tests.live import history as known
from tests.live.conftest import Live

RANGE = ("--from", "2026-11-02T00:00:00Z", "--to", "2026-11-16T00:00:00Z")
PRODUCTION = ("--env", "production", "--specs", SPECS)


def test_suggests_the_threshold_and_the_line_to_change(live: Live, cli: Cli, golden: Golden) -> None:
    before = (SPECS / "alerts.py").read_bytes()
    code, out, err = cli(
        "tune", "HighErrorRate", "-p", live.url, *RANGE, "--target", "3", "--env", "production", "--specs", SPECS
    )
    assert (code, err) == (0, "")
    golden("tune.txt", out)
    # The daily peaks above 12.5 req/s (13 on 8 November) and the two services of the 10 November incident.
    assert "  > 12.5 (at most 3)            3      1h2m  critical 6" in out
    assert '+     op=">", threshold=12.5, for_="5m", unit="reqps",' in out
    assert (SPECS / "alerts.py").read_bytes() == before  # never edits the spec


def test_the_current_threshold_fires_as_the_backtest_says(live: Live, rendered: Rendered) -> None:
    """Thresholds are evaluated locally over the signal; at the alert's own threshold that must be exactly
    what Prometheus evaluates for the rule's expression."""
    stack = rendered.stack
    for name in ("HighErrorRate", "MongoDBConnectionIssues", "LowPaymentSuccessRate", "HighResponseTime"):
        alert = stack.alert(name)
        tuned = tune(live.prometheus, stack, SPECS, alert, known.START, known.END, 1)
        assert tuned.current.episodes == history(live.prometheus, stack, alert, known.START, known.END).episodes
        assert tuned.current.episodes, name


def test_a_target_of_zero_goes_above_the_highest_value(live: Live, cli: Cli) -> None:
    code, out, _ = cli(
        "tune", "HighErrorRate", "-p", live.url, *RANGE, "--target", "0", "--env", "production", "--specs", SPECS
    )
    assert code == 0
    assert "  > 25 (at most 0)              0        0s  none" in out


def test_a_below_alert_is_tuned_downwards(live: Live, cli: Cli) -> None:
    code, out, _ = cli(
        "tune", "MongoDBConnectionIssues", "-p", live.url, *RANGE, "-n", "1", "--env", "production", "--specs", SPECS
    )
    assert code == 0
    assert "min 5  p0.1 5  p1 45" in out  # the bursts at 5, the daily low at 45
    assert "  < 5 (at most 1)               0        0s  none" in out


def test_equality_alerts_cannot_be_tuned(live: Live, cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("tune", "RedisDown", "-p", live.url, *RANGE, "-n", "1", *PRODUCTION)
    assert (code, err) == (
        2,
        "error: specs/alerts.py:73: Alert 'RedisDown': field 'op': tune needs a threshold comparison "
        "(>, >=, <, <=), the alert compares with ==\n",
    )
    code, _, err = cli(
        "tune", "NoSuchAlert", "-p", live.url, *RANGE, "-n", "1", "--env", "production", "--specs", SPECS
    )
    assert (code, err) == (2, "error: no alert named 'NoSuchAlert'; `futuramon list alerts` shows them\n")


def test_the_readme_shows_this_output() -> None:
    """README's "Tune an alert" is the real output of the test history (regenerate both together)."""
    readme = (SPECS.parent / "README.md").read_text(encoding="utf-8")
    assert (Path(__file__).parent.parent / "golden" / "tune.txt").read_text(encoding="utf-8") in readme
