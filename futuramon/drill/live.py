"""Live mode: a synthetic exporter serves the case's series, a real Prometheus evaluates the rendered rules
with time compressed (compress.FACTOR) and sends to the real Alertmanager itself."""

from __future__ import annotations

import time
from pathlib import Path

from futuramon.drill import client, compress, waiting
from futuramon.drill.capture import Capture
from futuramon.drill.exporter import Exporter
from futuramon.drill.proof import firing_case, prove
from futuramon.drill.result import Drill
from futuramon.drill.servers import Server
from futuramon.errors import FuturamonError
from futuramon.model import Alert, Stack, duration_seconds
from futuramon.render import prometheus
from futuramon.render.yamltext import to_yaml

SLACK_SECONDS = 5.0  # real seconds past the case's `at` that Prometheus gets to fire (scrape and rule timing)


def live(stack: Stack, alert: Alert, folder: Path, routes: Path) -> Drill:
    case = firing_case(stack, alert)
    proof = prove(stack, alert, case, folder / "proof")  # series that cannot fire need no Prometheus
    if proof.problem:
        return Drill(alert.name, "live", problems=[proof.problem])
    step = 60 / compress.FACTOR  # one series step (1m) per real second
    with Capture() as capture, Server("alertmanager", client.arguments(stack, folder, capture), folder) as am, \
            Exporter(case.series, step) as exporter:  # fmt: skip
        (folder / "rules.yaml").write_text(to_yaml(compress.rule_groups(prometheus.rule_groups(stack))))
        (folder / "prometheus.yml").write_text(to_yaml({
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": ["rules.yaml"],
            "alerting": {"alertmanagers": [{"static_configs": [{"targets": [am.address]}]}]},
            "scrape_configs": [{"job_name": "drill", "honor_labels": True,
                                "static_configs": [{"targets": [exporter.address]}]}],
        }))  # fmt: skip
        args = [f"--config.file={folder / 'prometheus.yml'}", f"--storage.tsdb.path={folder / 'prom-data'}",
                "--rules.alert.resend-delay=1s", "--log.level=warn"]  # fmt: skip
        with Server("prometheus", args, folder) as prom:
            started = _first_scrape(exporter)
            at = duration_seconds(case.at) / compress.FACTOR
            labels = waiting.until(lambda: _firing(prom, alert.name), bool, max(started + at - time.monotonic(), 0)
                                   + SLACK_SECONDS, poll=0.2)  # fmt: skip
            fired_at = time.monotonic() - started
            if not labels:
                return Drill(alert.name, "live", problems=[
                    f"did not fire: Prometheus did not fire it by {case.at} of case '{case.name}' "
                    f"({at + SLACK_SECONDS:.0f}s real, time compressed {compress.FACTOR}x)"])  # fmt: skip
            expected = client.expected_receivers(routes, labels)
            count = client.message_count(stack, expected)
            result = Drill(alert.name, "live", labels, expected,
                           f"{fired_at * compress.FACTOR / 60:.0f}m (live, {fired_at:.1f}s real; "
                           f"time compressed {compress.FACTOR}x; for: {alert.for_})")  # fmt: skip
            result.fired = client.messages(capture, 0, count, labels["alertname"])
            since = capture.count()
            time.sleep(max(started + exporter.duration - time.monotonic(), 0))  # the series end: it resolves
            resolved = client.messages(capture, since, count, labels["alertname"])
            result.resolved = [n for n in resolved if n.status == "resolved"]
    return result


def _first_scrape(exporter: Exporter) -> float:
    """Prometheus takes a few seconds to discover its first target; simulated time starts there."""
    started = waiting.until(lambda: exporter.started, lambda seen: seen is not None, 30)
    if started is None:
        raise FuturamonError("Prometheus did not scrape the drill exporter within 30s")
    return started


def _firing(prom: Server, name: str) -> dict[str, str]:
    """The labels of the alert `name` once Prometheus has it firing; empty before."""
    for alert in client.api(f"{prom.url}/api/v1/alerts")["data"]["alerts"]:
        if alert["labels"]["alertname"] == name and alert["state"] == "firing":
            return dict(alert["labels"])
    return {}
