"""The query API client against a real Prometheus that wants a login (basic auth in its web config)."""

from __future__ import annotations

import base64
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import bcrypt
import pytest
import yaml

from futuramon import tools
from futuramon.drill.servers import free_port
from futuramon.live.api import HEADERS_VARIABLE, Prometheus, QueryError

LOGIN = base64.b64encode(b"futuramon:s3cret").decode()


@pytest.fixture
def protected(tmp_path: Path) -> Iterator[str]:
    """A Prometheus on 127.0.0.1 that answers only user `futuramon` with password `s3cret`; its address."""
    hashed = bcrypt.hashpw(b"s3cret", bcrypt.gensalt(rounds=4)).decode()
    (tmp_path / "web.yml").write_text(yaml.safe_dump({"basic_auth_users": {"futuramon": hashed}}))
    (tmp_path / "prometheus.yml").write_text("global: {scrape_interval: 1m}\n")
    address = f"127.0.0.1:{free_port()}"
    process = subprocess.Popen([str(tools.find("prometheus")), f"--config.file={tmp_path / 'prometheus.yml'}",
                                f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.config.file={tmp_path / 'web.yml'}",
                                f"--web.listen-address={address}", "--log.level=warn"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        ready = urllib.request.Request(f"http://{address}/-/ready", headers={"Authorization": f"Basic {LOGIN}"})
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(ready, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_basic_auth_from_the_url_and_headers_from_the_environment(
    protected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(HEADERS_VARIABLE, raising=False)
    now = time.time()
    with pytest.raises(QueryError) as refused:
        Prometheus(f"http://{protected}").query("vector(1)", now)
    assert str(refused.value) == f"http://{protected} refused /api/v1/query: HTTP 401: Unauthorized"
    with pytest.raises(QueryError) as wrong:
        Prometheus(f"http://futuramon:wrong@{protected}/").query("vector(1)", now)
    assert "wrong" not in str(wrong.value) and "HTTP 401" in str(wrong.value)
    assert [s.points[0][1] for s in Prometheus(f"http://futuramon:s3cret@{protected}").query("vector(1)", now)] == [1]
    monkeypatch.setenv(HEADERS_VARIABLE, f"Authorization: Basic {LOGIN}; X-Scope-OrgID: team-a")
    assert [s.points[0][1] for s in Prometheus(f"http://{protected}").query("vector(1)", now)] == [1]
    monkeypatch.setenv(HEADERS_VARIABLE, "Authorization Basic abc")
    with pytest.raises(QueryError) as bad:
        Prometheus(f"http://{protected}")
    assert (
        str(bad.value) == f"{HEADERS_VARIABLE} expects 'Name: value; Name: value', got a part 'Authorization Basic abc'"
    )
