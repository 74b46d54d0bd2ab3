"""One real Prometheus for the live tests (started once, stopped at the end): the known history of
history.py imported into its data folder, and scraping a small application exposition whose metadata
contradicts the catalog."""

from __future__ import annotations

import json
import signal
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import yaml

from futuramon.drill.capture import HangUpQuiet
from futuramon.drill.servers import Server
from futuramon.live.api import Prometheus
from tests.live import history

# What the api's own /metrics serves: sentry_errors_total typed gauge (the catalog says counter, and
# HighSentryErrorCount applies increase() to it), orders_created_total without its `service` label, and
# neither ticket_generation_failures_total nor stripe_webhook_failures_total.
EXPOSITION = """\
# HELP http_requests_total Requests served.
# TYPE http_requests_total counter
http_requests_total{service="api",method="GET",path="/api/events",status="200"} 1027
# HELP http_request_duration_seconds Request latency.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{service="api",method="GET",path="/api/events",le="0.5"} 1000
http_request_duration_seconds_bucket{service="api",method="GET",path="/api/events",le="+Inf"} 1027
http_request_duration_seconds_sum{service="api",method="GET",path="/api/events"} 90.5
http_request_duration_seconds_count{service="api",method="GET",path="/api/events"} 1027
# HELP orders_created_total Orders created.
# TYPE orders_created_total counter
orders_created_total 12
# HELP payment_total Payments attempted.
# TYPE payment_total counter
payment_total{service="api"} 40
# HELP payment_success_total Payments that succeeded.
# TYPE payment_success_total counter
payment_success_total{service="api"} 39
# HELP tickets_active_total Tickets active.
# TYPE tickets_active_total gauge
tickets_active_total{service="api"} 1000
# HELP sentry_errors_total Errors reported to Sentry.
# TYPE sentry_errors_total gauge
sentry_errors_total{service="api"} 3
# HELP order_processing_duration_seconds Order processing time.
# TYPE order_processing_duration_seconds histogram
order_processing_duration_seconds_bucket{service="api",le="1"} 5
order_processing_duration_seconds_bucket{service="api",le="+Inf"} 5
order_processing_duration_seconds_sum{service="api"} 2.5
order_processing_duration_seconds_count{service="api"} 5
"""


class _Exposition(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = EXPOSITION.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


class _ExpositionServer(HangUpQuiet, ThreadingHTTPServer):
    """Scraped every second for the whole session: a scrape cut short prints nothing into a later test's output."""


@dataclass(frozen=True)
class Live:
    prometheus: Prometheus
    url: str
    metrics_url: str  # the application's exposition


def _serve(server: ThreadingHTTPServer) -> None:
    """Serve with Ctrl-C and SIGTERM blocked in this thread, so that they reach the main thread: the writer
    holds them back there (pthread_sigmask) and a later test checks that it does."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    server.serve_forever()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("live-prometheus")
    history.create_blocks(folder / "data")
    exposition = _ExpositionServer(("127.0.0.1", 0), _Exposition)
    threading.Thread(target=_serve, args=(exposition,), daemon=True).start()
    metrics_url = f"http://127.0.0.1:{exposition.server_address[1]}/metrics"
    (folder / "prometheus.yml").write_text(yaml.safe_dump({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1m"},
        "scrape_configs": [{"job_name": "api", "static_configs": [
            {"targets": [f"127.0.0.1:{exposition.server_address[1]}"]}]}],
    }))  # fmt: skip
    args = [f"--config.file={folder / 'prometheus.yml'}", f"--storage.tsdb.path={folder / 'data'}",
            "--storage.tsdb.retention.time=100y", "--log.level=warn"]  # fmt: skip
    try:
        with Server("prometheus", args, folder) as server:
            _wait_for_metadata(server.url)
            yield Live(Prometheus(server.url), server.url, metrics_url)
    finally:
        exposition.shutdown()
        exposition.server_close()


def _wait_for_metadata(url: str) -> None:
    """The metadata API knows a metric once it has been scraped."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{url}/api/v1/metadata?metric=sentry_errors_total", timeout=5) as response:
            if json.loads(response.read())["data"]:
                return
        time.sleep(0.2)
    raise AssertionError("Prometheus did not scrape the exposition within 30s")
