"""A synthetic FuturaTickets exporter: serves a test case's series as time passes, for a real Prometheus."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import Metric

from futuramon.model import Series
from futuramon.series import expand, selector


class Exporter:
    """Step i of every series is served `i * step_seconds` after the first scrape; past its end a series is gone."""

    def __init__(self, series: tuple[Series, ...], step_seconds: float) -> None:
        self.series = [(*selector(s.selector), expand(s.values)) for s in series]
        self.step_seconds = step_seconds
        self.started: float | None = None  # the first scrape: simulated time zero
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)
        self.server: Any = None

    @property
    def steps(self) -> int:
        return max(len(values) for _, _, values in self.series)

    def describe(self) -> list[Metric]:
        return []

    @property
    def duration(self) -> float:
        """Real seconds from the first scrape until the last step has been served."""
        return self.steps * self.step_seconds

    def collect(self) -> Iterator[Metric]:
        if self.started is None:
            self.started = time.monotonic()
        position = (time.monotonic() - self.started) / self.step_seconds
        families: dict[str, Metric] = {}
        for name, labels, values in self.series:
            value = _at(values, position)
            if value is None:
                continue
            family = families.setdefault(name, Metric(name, "drill series", "gauge"))
            family.add_sample(name, labels, value)
        yield from families.values()

    def __enter__(self) -> Exporter:
        self.server, _ = start_http_server(0, addr="127.0.0.1", registry=self.registry)
        return self

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.server_port}"

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()


def _at(values: list[float | None], position: float) -> float | None:
    """The value between two steps, interpolated, so that a scrape that falls mid-step sees a steady rate."""
    step = int(position)
    if step >= len(values) or values[step] is None or math.isnan(values[step] or 0.0):
        return None
    here = values[step]
    after = values[step + 1] if step + 1 < len(values) else None
    if here is None or after is None or math.isnan(after):
        return here
    return here + (after - here) * (position - step)
