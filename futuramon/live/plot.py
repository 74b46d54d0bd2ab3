"""`backtest --plot FILE.png`: each alert's signal over the range, its threshold, its firing episodes shaded."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from futuramon.errors import FuturamonError, OutputError
from futuramon.live.api import Prometheus, iso
from futuramon.live.backtest import AlertHistory, Backtest, evaluate, plural
from futuramon.model import Stack
from futuramon.render.text import threshold_text


def draw(prometheus: Prometheus, stack: Stack, result: Backtest, target: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.dates as dates
        import matplotlib.pyplot as pyplot
        from matplotlib.ticker import PercentFormatter
    except ImportError:
        raise FuturamonError("--plot needs matplotlib: pip install 'futuramon[plot]'") from None
    count = len(result.alerts)
    figure, axes = pyplot.subplots(count, 1, figsize=(12, 2.4 * count + 0.6), sharex=True, squeeze=False)
    for history, ax in zip(result.alerts, axes[:, 0], strict=True):
        _panel(prometheus, stack, result, history, ax)
        if history.alert.unit == "percentunit":
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes[-1, 0].xaxis.set_major_formatter(dates.DateFormatter("%m-%d %H:%M", tz=UTC))  # type: ignore[no-untyped-call]
    figure.suptitle(f"futuramon backtest {iso(result.start)} → {iso(result.end)}", fontsize=11)
    figure.tight_layout()
    try:
        figure.savefig(target, dpi=90)
    except OSError as error:
        raise OutputError(f"cannot write the plot {str(target)!r}: {error.strerror}") from None
    finally:
        pyplot.close(figure)


def _panel(prometheus: Prometheus, stack: Stack, result: Backtest, history: AlertHistory, ax: Any) -> None:
    alert = history.alert
    _, signal = evaluate(prometheus, stack, alert, alert.signal, result.start, result.end)  # what the rule saw
    for series in signal:
        times = [datetime.fromtimestamp(t, UTC) for t, _ in series.points]
        legend = ", ".join(v for k, v in series.labels if k not in ("cluster",)) or alert.name
        ax.plot(times, [v for _, v in series.points], linewidth=0.9, label=legend)
    ax.axhline(
        alert.threshold, color="tab:red", linestyle="--", linewidth=1, label=f"threshold {threshold_text(alert)}"
    )
    visible = (result.end - result.start) / 300  # a short episode still shows over weeks
    for _, episode in history.episodes:
        end = max(episode.end if episode.end is not None else result.end, episode.start + visible)
        span = (datetime.fromtimestamp(episode.start, UTC), datetime.fromtimestamp(end, UTC))
        ax.axvspan(*span, color="tab:red", alpha=0.15, linewidth=0)
        ax.axvspan(*span, ymin=0, ymax=0.05, color="tab:red", alpha=0.9, linewidth=0)  # the firing strip
    sent = sum(history.notifications().values())
    note = "no data" if not signal else f"{plural(len(history.episodes), 'episode')}, {plural(sent, 'notification')}"
    ax.set_title(f"{alert.name}: {alert.op} {threshold_text(alert)} for {alert.for_}  ({note})", loc="left",
                 fontsize=10)  # fmt: skip
    if not signal:
        missing = ", ".join(history.no_data) or "the signal"
        ax.text(0.5, 0.5, f"no series for {missing} in this range", transform=ax.transAxes, ha="center",
                va="center", color="tab:gray")  # fmt: skip
    ax.set_xlim(datetime.fromtimestamp(result.start, UTC), datetime.fromtimestamp(result.end, UTC))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right", fontsize=7, ncol=4)
