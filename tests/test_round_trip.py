"""Awkward text survives YAML and JSON byte-exactly and passes the real tools; property tests over specs."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from futuramon import writer
from futuramon.errors import SpecError
from futuramon.loader import load
from futuramon.render.outputs import render

from .minimal_spec import MINIMAL

AWKWARD = [
    'He said "stop": now',
    "colon: hash # not a comment",
    "two\nlines",
    "unicode ✓ café 日本 — ok",
    "{{ $labels.service }} at {{ $value | humanizePercentage }}",
    "  leading and trailing spaces  ",
    "'single' and \\ backslash",
    "yes",
    "0x10",
]


def _spec(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.py").write_text(text)
    return folder


def _check(tool: Callable[[str], Path], folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    rules = subprocess.run([tool("promtool"), "check", "rules", folder / "prometheus/alert-rules.yaml"],
                           capture_output=True, text=True)  # fmt: skip
    assert rules.returncode == 0, rules.stdout + rules.stderr
    config = subprocess.run([tool("amtool"), "check-config", folder / "alertmanager/alertmanager.yml"],
                            capture_output=True, text=True)  # fmt: skip
    assert config.returncode == 0, config.stdout + config.stderr


def test_awkward_text_round_trips(tmp_path: Path, tool: Callable[[str], Path]) -> None:
    values = "{" + ", ".join(f"'l{i}': {v!r}" for i, v in enumerate(AWKWARD)) + "}"
    text = MINIMAL.replace('summary="Slow",', f"summary={AWKWARD[0]!r}, labels={values},").replace(
        'description="slow"', f"description={chr(10).join(AWKWARD)!r}"
    )
    text = text.replace("route('severity=\"warning\"'", 'route(\'severity="warning"\', \'team=~"a\\\\"b|c:d"\'')
    files = render(load(_spec(tmp_path / "specs", text))[0])
    rules = yaml.safe_load(files["prometheus/alert-rules.yaml"])["groups"][0]["rules"][1]
    assert rules["labels"] == {**{f"l{i}": v for i, v in enumerate(AWKWARD)}, "severity": "warning",
                               "category": "platform"}  # fmt: skip
    assert rules["annotations"]["summary"] == AWKWARD[0]
    assert rules["annotations"]["description"] == "\n".join(AWKWARD)
    configmap = yaml.safe_load(files["k8s/prometheus/alert-rules.yaml"])
    assert configmap["data"]["alert-rules.yaml"] == files["prometheus/alert-rules.yaml"]
    board = json.loads(files["grafana/dashboards/shop.json"])
    assert board["title"] == "Shop"
    _check(tool, tmp_path / "out", files)


names = st.from_regex(r"[A-Z][A-Za-z0-9]{0,20}", fullmatch=True)
durations = st.sampled_from(["30s", "1m", "5m", "1h30m", "2h", "1d"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=names,
    threshold=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    op=st.sampled_from([">", "<", ">=", "<=", "==", "!="]),
    hold=durations,
    summary=st.text(min_size=1, max_size=40).filter(lambda s: "{{" not in s and "}}" not in s and s.strip()),
)
def test_every_accepted_spec_passes_the_tools(
    tmp_path_factory: pytest.TempPathFactory,
    tool: Callable[[str], Path],
    name: str,
    threshold: float,
    op: str,
    hold: str,
    summary: str,
) -> None:
    folder = tmp_path_factory.mktemp("accepted")
    text = MINIMAL.replace(
        'alert("Slow", signal="max by (service) (latency_seconds)", op=">", threshold=2, for_="10m"',
        f'alert({name!r}, signal="max by (service) (latency_seconds)", op={op!r}, '
        f"threshold={threshold!r}, for_={hold!r}",
    ).replace('summary="Slow"', f"summary={summary!r}")
    try:
        (stack,) = load(_spec(folder / "specs", text))
    except SpecError:
        return  # refused cleanly (e.g. the name collides with ApiDown): that is the other half of the property
    files = render(stack)
    writer.write(files, folder / "out")
    assert writer.diff(render(stack), folder / "out") == "", "render, then render --check, must be clean"
    _check(tool, folder / "out", files)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(["threshold=2", 'for_="10m"', 'severity="warning"', 'panel="Up"', 'op=">"']),
    value=st.one_of(st.text(max_size=12), st.integers(), st.floats(), st.none(), st.lists(st.integers(), max_size=2)),
)
def test_every_rejected_spec_raises_spec_error(
    tmp_path_factory: pytest.TempPathFactory, field: str, value: object
) -> None:
    folder = tmp_path_factory.mktemp("rejected")
    key = field.split("=")[0]
    text = MINIMAL.replace(field, f"{key}={value!r}", 1)
    try:
        load(_spec(folder / "specs", text))
    except SpecError as error:
        assert "spec.py" in str(error)
