"""A small client for the Prometheus HTTP query API (urllib only), and the times its commands accept."""

from __future__ import annotations

import base64
import json
import math
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from futuramon.errors import FuturamonError
from futuramon.model import duration_seconds, is_duration

HEADERS_VARIABLE = "FUTURAMON_PROMETHEUS_HEADERS"  # e.g. "X-Scope-OrgID: team-a" for Mimir, a bearer token
MAX_POINTS = 10_000  # Prometheus refuses more than 11,000 points per series in one range query
TIMEOUT_SECONDS = 60.0

Labels = tuple[tuple[str, str], ...]  # sorted label pairs, hashable


class QueryError(FuturamonError):
    """The query API cannot be reached or refuses a query (exit 2)."""


@dataclass(frozen=True)
class Series:
    labels: Labels
    points: list[tuple[float, float]]  # (unix seconds, value)


def labels_of(metric: dict[str, str]) -> Labels:
    """A result's labels without __name__, as Prometheus keeps them on an alert."""
    return tuple(sorted((k, v) for k, v in metric.items() if k != "__name__"))


class Prometheus:
    """The query API at `url` (Prometheus, Thanos Query, Mimir's /prometheus prefix, VictoriaMetrics)."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise QueryError(f"--prometheus expects an http:// or https:// URL, got {redact_url(url)!r}")
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        self.url = urllib.parse.urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))
        self.headers = headers_from(os.environ.get(HEADERS_VARIABLE, ""))
        if parts.username is not None:
            login = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
            self.headers["Authorization"] = "Basic " + base64.b64encode(login.encode()).decode()

    def _get(self, path: str, params: list[tuple[str, str]]) -> Any:
        address = f"{self.url}{path}?{urllib.parse.urlencode(params)}"
        try:
            request = urllib.request.Request(address, headers=self.headers)
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as error:
            body = _json_or_none(error.read())
            reason = body.get("error") if isinstance(body, dict) else None
            raise QueryError(f"{self.url} refused {path}: HTTP {error.code}: {reason or error.reason}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise QueryError(f"cannot reach the Prometheus query API at {self.url}: {reason}") from None
        except json.JSONDecodeError:
            raise QueryError(f"{self.url}{path} did not answer JSON: is this a Prometheus query API?") from None
        if not isinstance(body, dict) or body.get("status") != "success":
            raise QueryError(f"{self.url} refused {path}: {body.get('error') if isinstance(body, dict) else body}")
        return body["data"]

    def query(self, expr: str, at: float) -> list[Series]:
        data = self._get("/api/v1/query", [("query", expr), ("time", _stamp(at))])
        if data["resultType"] != "vector":
            raise QueryError(f"expected an instant vector from {expr!r}, got a {data['resultType']}")
        return [Series(labels_of(r["metric"]), [(float(r["value"][0]), float(r["value"][1]))]) for r in data["result"]]

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[Series]:
        """`expr` at every `step` from `start` to `end`, in chunks the server accepts; series merged by labels."""
        merged: dict[Labels, list[tuple[float, float]]] = {}
        chunk = step * MAX_POINTS
        first = start
        while first <= end:
            last = min(first + chunk - step, end)
            data = self._get("/api/v1/query_range", [("query", expr), ("start", _stamp(first)),
                                                     ("end", _stamp(last)), ("step", _stamp(step))])  # fmt: skip
            for result in data["result"]:
                points = merged.setdefault(labels_of(result["metric"]), [])
                points.extend((float(t), float(v)) for t, v in result["values"])
            first = last + step
        return [Series(labels, points) for labels, points in sorted(merged.items())]

    def metric_names(self, start: float, end: float) -> list[str]:
        return sorted(self._get("/api/v1/label/__name__/values", [("start", _stamp(start)), ("end", _stamp(end))]))

    def label_names(self, metric: str, start: float, end: float) -> list[str]:
        """The label names the series of one metric carry between start and end."""
        return sorted(self._get("/api/v1/labels", [("match[]", metric), ("start", _stamp(start)),
                                                   ("end", _stamp(end))]))  # fmt: skip

    def metadata(self) -> dict[str, str]:
        """Metric name → the type its exporters declare (only for metrics scraped recently)."""
        data = self._get("/api/v1/metadata", [])
        return {name: entries[0]["type"] for name, entries in data.items() if entries}


def headers_from(text: str) -> dict[str, str]:
    """`Name: value; Other: value` (FUTURAMON_PROMETHEUS_HEADERS) as request headers."""
    headers = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        name, colon, value = item.partition(":")
        if not colon or not re.fullmatch(r"[A-Za-z0-9-]+", name.strip()):
            raise QueryError(f"{HEADERS_VARIABLE} expects 'Name: value; Name: value', got a part {name.strip()!r}")
        headers[name.strip()] = value.strip()
    return headers


def redact_url(url: str) -> str:
    """A URL without the password it may carry."""
    return re.sub(r"(//[^/@:]*):[^/@]*@", r"\1:<redacted>@", url)


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _stamp(seconds: float) -> str:
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


_RELATIVE = re.compile(r"^now(?:-(\w+))?$")


def parse_time(text: str, now: float | None = None) -> float:
    """`now`, `now-7d`, an RFC 3339 time (2026-11-03T09:00:00Z) or unix seconds → unix seconds."""
    now = time.time() if now is None else now
    relative = _RELATIVE.match(text.strip())
    if relative:
        ago = relative.group(1)
        return now - (parse_duration(ago, f"the duration in {text!r}") if ago else 0.0)
    try:
        return float(text)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise QueryError(f"expected a time like 2026-11-03T09:00:00Z, now or now-7d, got {text!r}") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def parse_duration(text: str, what: str) -> float:
    """A Prometheus duration (1h, 30m, 1h30m) in seconds; `what` names it in the error."""
    if not is_duration(text) or not duration_seconds(text):
        raise QueryError(f"{what} expects a duration like 1h, 30m or 7d, got {text!r}")
    return duration_seconds(text)


def time_range(start: str, end: str) -> tuple[float, float]:
    """--from and --to, read and checked to be in order."""
    now = time.time()
    first, last = parse_time(start, now), parse_time(end, now)
    if first >= last:
        raise QueryError(f"--from ({iso(first)}) must be before --to ({iso(last)})")
    return first, last


def iso(seconds: float) -> str:
    """Unix seconds as an RFC 3339 UTC time, to the second."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def align(seconds: float, step: float) -> float:
    """The first multiple of `step` at or after `seconds` (how the evaluation grid is laid)."""
    return math.ceil(seconds / step) * step
