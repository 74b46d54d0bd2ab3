"""Known history for the live tests: two weeks of FuturaTickets metrics at a 1m step, with bursts of known
start and length, written as OpenMetrics and imported into a Prometheus data folder by
`promtool tsdb create-blocks-from openmetrics`.

Deliberately wrong, as in a real cluster: `ticket_generation_failures_total` is missing altogether,
`redis_commands_processed_total` is exported as `redis_commands_processed` (renamed), `sentry_errors_total`
lacks the `cluster` label, and `stripe_webhook_failures_total` is scraped every 2 minutes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from futuramon import tools

START = datetime(2026, 11, 2, tzinfo=UTC).timestamp()
DAYS = 14
STEP = 60
POINTS = DAYS * 1440
END = START + (POINTS - 1) * STEP
PROD = {"cluster": "prod"}
API = {"cluster": "prod", "service": "api"}
NAMESPACE = {"cluster": "prod", "namespace": "futuratickets"}


@dataclass(frozen=True)
class Burst:
    at: str  # RFC 3339, on a whole minute
    minutes: int  # how many 1m samples it covers

    @property
    def start(self) -> float:
        return datetime.fromisoformat(self.at).timestamp()

    @property
    def end(self) -> float:
        """The first sample after the burst."""
        return self.start + self.minutes * STEP

    def covers(self, index: int) -> bool:
        return self.start <= START + index * STEP < self.end


# MongoDB's available connections drop to 5 (the alert: < 10 for 2m).
MONGO_BURSTS = (
    Burst("2026-11-03T09:00:00+00:00", 30),  # fires 09:02, resolves 09:30
    Burst("2026-11-05T03:00:00+00:00", 1),  # too short for `for: 2m`: never fires
    Burst("2026-11-06T14:00:00+00:00", 2),  # pending for exactly 2 evaluations, gone at the third: never fires
    Burst("2026-11-08T22:10:00+00:00", 3),  # fires 22:12, resolves 22:13
    Burst("2026-11-12T06:00:00+00:00", 40),  # with a one-minute gap after it ...
    Burst("2026-11-12T06:41:00+00:00", 49),  # ... two episodes, or one with keep_firing_for
)
# Redis is down (the alert: redis_up == 0 for 2m).
REDIS_BURSTS = (Burst("2026-11-04T02:00:00+00:00", 10), Burst("2026-11-13T18:30:00+00:00", 4))

# An incident on 10 November: errors, latency and failed payments at once (notifications, inhibition).
INCIDENT = "2026-11-10"
API_ERRORS = Burst(f"{INCIDENT}T10:05:00+00:00", 30)  # api answers 25/s with 5xx
MARKETPLACE_ERRORS = Burst(f"{INCIDENT}T10:10:00+00:00", 15)  # marketplace 15/s
SLOW = Burst(f"{INCIDENT}T10:00:00+00:00", 50)  # api p95 between 2s and 5s
PAYMENTS_FAILING = Burst(f"{INCIDENT}T10:20:00+00:00", 25)  # 70% of payments succeed
# The api's 5xx rate peaks every day from 12:00 for 40 minutes, at these rates (req/s): HighErrorRate
# (> 10 for 5m) fires on the days above 10, which is what `tune` is asked to change.
DAILY_PEAKS = (7, 9, 12, 8, 11, 6, 13, 9, 10.5, 7, 12.5, 8, 9.5, 11.5)


def _minute_of_day(index: int) -> int:
    return index % 1440


def _api_errors_per_minute(index: int) -> float:
    if API_ERRORS.covers(index):
        return 25 * 60
    minute = _minute_of_day(index)
    if 720 <= minute < 760:
        return DAILY_PEAKS[index // 1440] * 60
    return 60 + 30 * math.sin(index / 37)  # about 1/s, never near the threshold


def _counter(per_minute: Callable[[int], float]) -> list[float]:
    total, values = 0.0, []
    for index in range(POINTS):
        values.append(total)
        total += per_minute(index + 1)
    return values


def _gauge(value: Callable[[int], float]) -> list[float]:
    return [value(index) for index in range(POINTS)]


def _mongo_available(index: int) -> float:
    if any(b.covers(index) for b in MONGO_BURSTS):
        return 5
    return round(60 + 15 * math.sin(2 * math.pi * index / 1440))


def _buckets(name: str, bounds: list[str], slow: Burst | None, per_minute: float, fast_up_to: str,
             slow_from: str) -> list[tuple[str, dict[str, str], list[float]]]:  # fmt: skip
    """Histogram buckets: observations at or below `fast_up_to`, or during `slow` above `slow_from`."""
    series = []
    for position, bound in enumerate(bounds):
        fast = position >= bounds.index(fast_up_to)
        slow_in = position > bounds.index(slow_from)

        def rate(index: int, fast: bool = fast, slow_in: bool = slow_in) -> float:
            if slow is not None and slow.covers(index):
                return per_minute if slow_in else 0
            return per_minute if fast else 0

        series.append((name, {**API, "le": bound}, _counter(rate)))
    return series


def series() -> list[tuple[str, dict[str, str], list[float]]]:
    """(metric, labels, one value per minute) of every series in the history."""
    pod = {**NAMESPACE, "pod": "api-1"}
    container = {**pod, "container": "api"}
    disk = {**PROD, "instance": "node-1", "mountpoint": "/", "fstype": "ext4"}
    return [
        ("mongodb_connections", {**PROD, "instance": "mongodb:9216", "state": "available"}, _gauge(_mongo_available)),
        ("mongodb_connections", {**PROD, "instance": "mongodb:9216", "state": "current"}, _gauge(lambda i: 40)),
        (
            "redis_up",
            {**PROD, "instance": "redis:9121"},
            _gauge(lambda i: 0 if any(b.covers(i) for b in REDIS_BURSTS) else 1),
        ),
        ("redis_commands_processed", {**PROD, "instance": "redis:9121"}, _counter(lambda i: 30000)),
        (
            "http_requests_total",
            {**API, "method": "GET", "path": "/api/events", "status": "200"},
            _counter(lambda i: 6000),
        ),
        (
            "http_requests_total",
            {**API, "method": "GET", "path": "/api/events", "status": "500"},
            _counter(_api_errors_per_minute),
        ),
        (
            "http_requests_total",
            {**PROD, "service": "marketplace", "method": "GET", "path": "/api/events", "status": "500"},
            _counter(lambda i: 900 if MARKETPLACE_ERRORS.covers(i) else 30),
        ),
        *_buckets("http_request_duration_seconds_bucket", ["0.5", "1", "2", "5", "+Inf"], SLOW, 6000, "0.5", "2"),
        ("payment_total", API, _counter(lambda i: 600)),
        ("payment_success_total", API, _counter(lambda i: 420 if PAYMENTS_FAILING.covers(i) else 588)),
        ("orders_created_total", API, _counter(lambda i: 120)),
        ("tickets_active_total", API, _gauge(lambda i: round(1000 + 200 * math.sin(2 * math.pi * i / 1440)))),
        ("stripe_webhook_failures_total", API, _counter(lambda i: 0.05)),
        ("sentry_errors_total", {"service": "api"}, _counter(lambda i: 0.5)),
        *_buckets("order_processing_duration_seconds_bucket", ["1", "5", "10", "30", "+Inf"], None, 2, "1", "1"),
        ("kube_pod_status_phase", {**pod, "phase": "Running"}, _gauge(lambda i: 1)),
        (
            "kube_deployment_status_condition",
            {**NAMESPACE, "deployment": "api", "condition": "Progressing", "status": "true"},
            _gauge(lambda i: 1),
        ),
        ("kube_pod_container_resource_limits", {**container, "resource": "cpu"}, _gauge(lambda i: 1)),
        ("kube_pod_container_resource_limits", {**container, "resource": "memory"}, _gauge(lambda i: 1e9)),
        ("container_cpu_usage_seconds_total", container, _counter(lambda i: 30)),
        ("container_memory_working_set_bytes", container, _gauge(lambda i: 5e8)),
        ("node_filesystem_avail_bytes", disk, _gauge(lambda i: 4e10)),
        ("node_filesystem_size_bytes", disk, _gauge(lambda i: 1e11)),
    ]


SCRAPED_EVERY_2M = {"stripe_webhook_failures_total"}


def openmetrics() -> str:
    """The whole history as one OpenMetrics text (every family typed gauge: the TSDB keeps no types)."""
    lines: list[str] = []
    typed: set[str] = set()
    for name, labels, values in sorted(series(), key=lambda s: s[0]):
        if name not in typed:
            lines.append(f"# TYPE {name} gauge")
            typed.add(name)
        selector = name + "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"
        every = 2 if name in SCRAPED_EVERY_2M else 1
        lines.extend(f"{selector} {_number(v)} {int(START) + i * STEP}" for i, v in enumerate(values) if i % every == 0)
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def create_blocks(data: Path) -> None:
    """Write the history into a Prometheus data folder."""
    source = data.parent / "history.om"
    source.write_text(openmetrics())
    result = tools.run("promtool", "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=24h",
                       str(source), str(data), timeout=300)  # fmt: skip
    source.unlink()
    if result.code != 0:
        raise RuntimeError(f"promtool could not import the history: {result.output[-1000:]}")
