"""Drill one alert after another: make it fire, follow it through a real Alertmanager, resolve it.

Default mode: the alert fires as its declared firing test case says (promtool tells after how long, in
simulated time), and is posted to Alertmanager with its rendered labels and annotations.
Live mode: a real Prometheus scrapes the case's series from a synthetic exporter, evaluates the rendered
rules with time compressed (compress.FACTOR), and sends to Alertmanager itself.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from futuramon import tools
from futuramon.drill import compress
from futuramon.drill.capture import Capture, Notification, notification, webhook_path
from futuramon.drill.exporter import Exporter
from futuramon.drill.servers import Server
from futuramon.errors import FuturamonError, Place, SpecError
from futuramon.model import Alert, AlertCase, Stack, duration_seconds, matches
from futuramon.render import alertmanager, prometheus, promtool_tests
from futuramon.render.text import alert_annotations, alert_labels
from futuramon.render.yamltext import to_yaml

DELIVERY_SECONDS = 15.0


@dataclass
class Drill:
    alert: str
    mode: str
    labels: dict[str, str]
    expected: list[str]
    fired_after: str
    fired: list[Notification] = field(default_factory=list)
    resolved: list[Notification] = field(default_factory=list)
    inhibits: list[str] = field(default_factory=list)

    @property
    def delivered(self) -> list[str]:
        """Receivers that got the firing message, in routing order (Alertmanager sends them in parallel)."""
        got = {n.receiver for n in self.fired}
        return [r for r in self.expected if r in got] + sorted(got - set(self.expected))

    @property
    def ok(self) -> bool:
        return self.delivered == self.expected and {n.receiver for n in self.resolved} == set(self.expected)

    def as_dict(self) -> dict[str, Any]:
        return {
            "alert": self.alert,
            "mode": self.mode,
            "fired_after": self.fired_after,
            "labels": self.labels,
            "expected_receivers": self.expected,
            "delivered_receivers": self.delivered,
            "inhibits": self.inhibits,
            "ok": self.ok,
            "firing": [n.__dict__ for n in self.fired],
            "resolved": [n.__dict__ for n in self.resolved],
        }

    def text(self) -> str:
        verdict = "ok" if self.ok else "NOT DELIVERED AS ROUTED"
        lines = [
            f"{self.alert}: fired after {self.fired_after}; expected {' → '.join(self.expected)}, "
            f"delivered {' → '.join(self.delivered) or 'nowhere'} [{verdict}]"
        ]
        order = {name: index for index, name in enumerate(self.delivered)}
        for n in sorted(self.fired, key=lambda n: (order[n.receiver], n.channel)):
            lines.append(f"  {n.receiver} {n.channel} ({n.color}): {n.title}")
            lines.extend(f"    {line}" for line in n.text.strip().splitlines())
        if self.inhibits:
            lines.append(f"  inhibits: {', '.join(self.inhibits)}")
        resolved = sorted({f"{n.receiver} {n.channel}" for n in self.resolved})
        lines.append(f"  resolved message: {', '.join(resolved) or 'none arrived'}")
        return "\n".join(lines)


def drill(stack: Stack, names: list[str], live: bool = False) -> list[Drill]:
    known = {a.name: a for a in stack.alerts}
    for name in names:
        if name not in known:
            raise SpecError(f"no alert named {name!r}; `futuramon list alerts` shows them")
    with tempfile.TemporaryDirectory(prefix="futuramon-drill-") as scratch:
        folder = Path(scratch)
        routes = _rendered_config(stack, folder / "routes")
        if live:
            return [_live(stack, known[name], folder / name, routes) for name in names]
        with Capture() as capture, Server("alertmanager", _alertmanager_args(stack, folder, capture), folder) as am:
            return [_simulated(stack, known[name], folder, routes, capture, am) for name in names]


# --- the Alertmanager both modes use ----------------------------------------------


def _alertmanager_args(stack: Stack, folder: Path, capture: Capture) -> list[str]:
    """The rendered config, but webhook URL files point at the capture server and timers are 1s."""
    folder.mkdir(parents=True, exist_ok=True)
    config = alertmanager.config(stack)
    config["route"]["group_wait"] = config["route"]["group_interval"] = "1s"
    for receiver in config["receivers"]:
        for kind, key in (("slack", "api_url_file"), ("discord", "webhook_url_file")):
            for settings in receiver.get(f"{kind}_configs", []):
                secret = folder / f"{kind}-{receiver['name']}"
                secret.write_text(capture.url + webhook_path(kind, receiver["name"]))
                settings[key] = str(secret)
    (folder / alertmanager.TEMPLATE_FILE).write_text(alertmanager.message_templates())
    (folder / "alertmanager.yml").write_text(to_yaml(config))
    return [f"--config.file={folder / 'alertmanager.yml'}", f"--storage.path={folder / 'am-data'}",
            "--cluster.listen-address=", "--log.level=warn"]  # fmt: skip


def _rendered_config(stack: Stack, folder: Path) -> Path:
    """The rendered Alertmanager config as it is deployed, for `amtool config routes test`."""
    folder.mkdir()
    (folder / alertmanager.TEMPLATE_FILE).write_text(alertmanager.message_templates())
    (folder / "alertmanager.yml").write_text(to_yaml(alertmanager.config(stack)))
    return folder / "alertmanager.yml"


def _expected_receivers(routes: Path, labels: dict[str, str]) -> list[str]:
    """What `amtool config routes test` says the rendered config does with these labels."""
    result = tools.route(routes, labels)
    if result.code != 0:
        raise FuturamonError(f"amtool could not route {labels}: {result.output}")
    return result.output.splitlines()[0].split(",")


def _messages(capture: Capture, since: int, count: int, alert: str) -> list[Notification]:
    """The messages about `alert` received after `since`, once `count` arrived (or the time ran out)."""

    def about() -> list[Notification]:
        return [n for n in (notification(p, b) for p, b in capture.since(since)) if f"] {alert}" in n.title]

    deadline = time.monotonic() + DELIVERY_SECONDS
    while len(about()) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)  # a late extra message would be a finding too
    return about()


def _message_count(stack: Stack, receivers: list[str]) -> int:
    return sum(len(r.slack) + len(r.discord) for r in stack.receivers if r.name in receivers)


def _api(url: str, payload: Any = None) -> Any:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        body = response.read()
    return json.loads(body) if body else None


# --- default mode: promtool for the firing, Alertmanager for the rest ---------------


def _firing_case(alert: Alert) -> AlertCase:
    case = next((c for c in alert.tests if c.fires), None)
    if case is None:
        file, line = alert.origin
        raise SpecError("a drill needs a test case in which the alert fires (fires(...) in its tests)",
                        Place(file=file, line=line, obj=f"Alert {alert.name!r}", field="tests"))  # fmt: skip
    return case


def _fired_after(stack: Stack, alert: Alert, case: AlertCase, folder: Path) -> str:
    """The first minute from which promtool sees the alert firing, in the case's simulated time."""
    suite = promtool_tests.timeline(stack, alert, case)
    (folder / suite.rules_file).write_text(to_yaml(suite.rules))
    (folder / suite.tests_file).write_text(to_yaml(suite.tests))
    result = tools.run("promtool", "test", "rules", suite.tests_file, cwd=folder)
    quiet = [int(duration_seconds(t) // 60) for t in re.findall(r"time: ([\dhms]+),", result.output)]
    return f"{max(quiet) + 1 if quiet else 0}m (simulated, promtool; for: {alert.for_})"


def _post(am: Server, labels: dict[str, str], annotations: dict[str, str], resolved: bool = False) -> None:
    now = datetime.now(UTC).isoformat()
    alert: dict[str, Any] = {"labels": labels, "annotations": annotations, "startsAt": now}
    if resolved:
        alert["endsAt"] = now
    _api(f"{am.url}/api/v2/alerts", [alert])


def _expand(text: str, labels: dict[str, str], alert: Alert) -> str:
    """Prometheus' annotation templating, as far as a drill knows: the labels, and the threshold as the value."""
    text = re.sub(r"\{\{\s*\$labels\.(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), text)
    return re.sub(r"\{\{\s*\$value[^}]*\}\}", f"{alert.threshold:g} (at the threshold)", text)


def _firing_labels(alert: Alert) -> dict[str, str]:
    return {"alertname": alert.name, **_firing_case(alert).labels, **alert_labels(alert)}


def _simulated(stack: Stack, alert: Alert, folder: Path, routes: Path, capture: Capture, am: Server) -> Drill:
    case = _firing_case(alert)
    labels = _firing_labels(alert)
    annotations = {k: _expand(v, labels, alert) for k, v in alert_annotations(stack, alert).items()}
    expected = _expected_receivers(routes, labels)
    result = Drill(alert.name, "simulated", labels, expected, _fired_after(stack, alert, case, folder))
    count = _message_count(stack, expected)
    since = capture.count()
    _post(am, labels, annotations)
    result.fired = _messages(capture, since, count, alert.name)
    targets = _inhibition_targets(stack, alert, labels)
    for target in targets.values():
        _post(am, target, {})
    result.inhibits = _inhibited(am, targets)
    since = capture.count()
    for target in targets.values():
        _post(am, target, {}, resolved=True)
    _post(am, labels, annotations, resolved=True)
    result.resolved = _messages(capture, since, count, alert.name)
    return result


def _inhibition_targets(stack: Stack, alert: Alert, source: dict[str, str]) -> dict[str, dict[str, str]]:
    """Other alerts an inhibit rule could mute while this one fires, with the `equal` labels it shares."""
    targets = {}
    for rule in stack.routing.inhibit:
        if not all(matches(m, source) for m in rule.source):
            continue
        for other in stack.alerts:
            if other.name == alert.name or not any(c.fires for c in other.tests):
                continue
            labels = _firing_labels(other)
            labels.update({k: source[k] for k in rule.equal if k in source and k in labels})
            if all(matches(m, labels) for m in rule.target):
                targets[other.name] = labels
    return targets


def _inhibited(am: Server, targets: dict[str, dict[str, str]]) -> list[str]:
    """The targets Alertmanager itself reports as inhibited (its API applies the inhibit rules)."""
    deadline = time.monotonic() + 5
    found: list[str] = []
    while time.monotonic() < deadline:
        alerts = _api(f"{am.url}/api/v2/alerts")
        found = sorted(a["labels"]["alertname"] for a in alerts
                       if a["labels"]["alertname"] in targets and a["status"]["inhibitedBy"])  # fmt: skip
        if len({a["labels"]["alertname"] for a in alerts} & set(targets)) == len(targets) and found:
            break
        time.sleep(0.2)
    return found


# --- live mode: exporter → Prometheus → Alertmanager ------------------------------------


def _live(stack: Stack, alert: Alert, folder: Path, routes: Path) -> Drill:
    case = _firing_case(alert)
    step = 60 / compress.FACTOR  # one series step (1m) per real second
    with Capture() as capture, Server("alertmanager", _alertmanager_args(stack, folder, capture), folder) as am, \
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
            fired_at, labels = _wait_firing(prom, alert.name, started, exporter.duration + 10)
            expected = _expected_receivers(routes, labels) if labels else []
            count = _message_count(stack, expected)
            result = Drill(alert.name, "live", labels, expected,
                           f"{fired_at * compress.FACTOR / 60:.0f}m (live, {fired_at:.1f}s real; "
                           f"time compressed {compress.FACTOR}x; for: {alert.for_})")  # fmt: skip
            result.fired = _messages(capture, 0, count, alert.name)
            since = capture.count()
            time.sleep(max(started + exporter.duration - time.monotonic(), 0))  # the series end: it resolves
            result.resolved = [n for n in _messages(capture, since, count, alert.name) if n.status == "resolved"]
    return result


def _first_scrape(exporter: Exporter) -> float:
    """Prometheus takes a few seconds to discover its first target; simulated time starts there."""
    deadline = time.monotonic() + 30
    while exporter.started is None:
        if time.monotonic() > deadline:
            raise FuturamonError("Prometheus did not scrape the drill exporter within 30s")
        time.sleep(0.1)
    return exporter.started


def _wait_firing(prom: Server, name: str, started: float, seconds: float) -> tuple[float, dict[str, str]]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for alert in _api(f"{prom.url}/api/v1/alerts")["data"]["alerts"]:
            if alert["labels"]["alertname"] == name and alert["state"] == "firing":
                return time.monotonic() - started, alert["labels"]
        time.sleep(0.2)
    return seconds, {}
