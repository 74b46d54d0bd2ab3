"""What promtool proves about an alert's firing case: the minute it starts firing, and the labels and
annotations Prometheus gives it then (its own template expansion, with the real value)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from futuramon import cases, tools
from futuramon.cases import Proven
from futuramon.errors import Place, SpecError
from futuramon.model import Alert, Stack, duration_seconds
from futuramon.render import promtool_tests
from futuramon.render.yamltext import to_yaml

_BLOCK = re.compile(r"time: (\S+?),.*?got:\[(.*?)\n\s*\]", re.S)
_LABELS = re.compile(r"Labels:\{(.*)\}")
_ANNOTATIONS = re.compile(r"Annotations:\{(.*)\}")
_PAIR = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Proof:
    fired_at: str = ""  # the first minute at which promtool sees the alert firing; empty: it did not fire
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    problem: str = ""  # why the case proves nothing: it did not fire at its `at`, its series do not parse


def firing_case(stack: Stack, alert: Alert) -> Proven:
    case = next((c for c in cases.expanded(stack, alert) if c.fires), None)
    if case is None:
        file, line = alert.origin
        raise SpecError("a drill needs a test case in which the alert fires (fires(...) in its tests)",
                        Place(file=file, line=line, obj=f"Alert {alert.name!r}", field="tests"))  # fmt: skip
    return case


def prove(stack: Stack, alert: Alert, case: Proven, folder: Path) -> Proof:
    """Run the case through `promtool test rules`, expecting quiet at every minute up to its `at`: the minutes
    that fail are those at which the alert fires."""
    folder.mkdir(parents=True, exist_ok=True)
    suite = promtool_tests.timeline(stack, alert, case)
    (folder / suite.rules_file).write_text(to_yaml(suite.rules))
    (folder / suite.tests_file).write_text(to_yaml(suite.tests))
    result = tools.run("promtool", "test", "rules", suite.tests_file, cwd=folder)
    firing = {int(duration_seconds(time) // 60): got for time, got in _BLOCK.findall(result.output)}
    if result.code != 0 and not firing:
        reason = result.output.strip().splitlines()[-1] if result.output.strip() else f"exit {result.code}"
        return Proof(problem=f"case '{case.name}' cannot be evaluated: promtool says: {reason}")
    if int(duration_seconds(case.at) // 60) not in firing:
        return Proof(problem=f"did not fire: case '{case.name}' expects it firing at {case.at}, promtool sees it "
                             f"quiet then (for: {alert.for_})")  # fmt: skip
    first = min(firing)
    labels, annotations = _alert(firing[first], case.labels)
    return Proof(fired_at=f"{first}m", labels=labels, annotations=annotations)


def _alert(got: str, wanted: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The labels and annotations of the alert promtool got that carries the case's labels (or the first)."""
    alerts = []
    for entry in re.split(r"\n\s*\d+:\n", got):
        labels, annotations = _LABELS.search(entry), _ANNOTATIONS.search(entry)
        if labels:
            alerts.append((_pairs(labels.group(1)), _pairs(annotations.group(1)) if annotations else {}))
    return next((a for a in alerts if wanted.items() <= a[0].items()), alerts[0])


def _pairs(text: str) -> dict[str, str]:
    return {key: _unquote(value) for key, value in _PAIR.findall(text)}


def _unquote(value: str) -> str:
    """A Go-quoted string's content (`\\"`, `\\n`, `\\\\`, ...)."""
    try:
        return str(json.loads(f'"{value}"'))
    except json.JSONDecodeError:
        return value
