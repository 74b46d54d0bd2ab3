"""futuramon's reading of routing and inhibition (`Routing.receivers_for`, `Inhibit.inhibits`, `matches`,
used by runbooks, lints and drills) agrees with Alertmanager's own: hypothesis generates routing trees,
inhibit rules and label sets, and the real `amtool config routes test` and a real Alertmanager's
`inhibitedBy` judge them. Regexes are RE2's (Go's): `\\w`, `\\d` and `[[:alpha:]]` are ASCII only there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from futuramon import tools
from futuramon.drill import client, waiting
from futuramon.drill.servers import Server
from futuramon.dsl import Inhibit, Routing, route
from futuramon.loader import load
from futuramon.model import Stack
from futuramon.render import alertmanager
from futuramon.render.yamltext import to_yaml

from .minimal_spec import MINIMAL

NAMES = ("a", "b", "c")
VALUES = ("x", "y", "xy", "7", "é", "X")
PATTERNS = ("x", "x|y", ".+", ".*", "x.*", "[0-9]+", r"\d", "", "(x|)", "y?", "[[:alpha:]]+", r"\w+", "(?i)x")
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip


@st.composite
def matchers(draw: st.DrawFn) -> str:
    name, op = draw(st.sampled_from(NAMES)), draw(st.sampled_from(("=", "!=", "=~", "!~")))
    value = draw(st.sampled_from(PATTERNS if "~" in op else ("", *VALUES)))
    return f'{name}{op}"{value.replace(chr(92), chr(92) * 2)}"'


def _route(children: st.SearchStrategy[tuple[Any, ...]]) -> st.SearchStrategy[Any]:
    return st.builds(lambda found, receiver, more, goes_on: route(*found, receiver=receiver, routes=more,
                                                                     continue_=goes_on),
                     st.lists(matchers(), min_size=1, max_size=2), st.sampled_from(("oncall", "chat", None)),
                     children, st.booleans())  # fmt: skip


trees = st.lists(_route(st.tuples() | st.lists(_route(st.just(())), max_size=2).map(tuple)), min_size=1,
                 max_size=3).map(tuple)  # fmt: skip
label_sets = st.dictionaries(st.sampled_from(NAMES), st.sampled_from(VALUES))


def _stack(tmp_path: Path, routing: Routing) -> Stack:
    specs = tmp_path / "specs"
    specs.mkdir(exist_ok=True)
    (specs / "spec.py").write_text(MINIMAL)
    return load(specs)[0].model_copy(update={"routing": routing})


def _routing(routes: tuple[Any, ...] = (), inhibit: tuple[Inhibit, ...] = ()) -> Routing:
    return Routing(receiver="oncall", group_by=("alertname",), group_wait="1s", group_interval="1s",
                   repeat_interval="1h", routes=routes, inhibit=inhibit)  # fmt: skip


def _write_config(stack: Stack, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / alertmanager.TEMPLATE_FILE).write_text(alertmanager.message_templates())
    (folder / "alertmanager.yml").write_text(to_yaml(alertmanager.config(stack)))
    return folder / "alertmanager.yml"


def test_receivers_for_agrees_with_amtool(tmp_path: Path) -> None:
    @SETTINGS
    @given(routes=trees, labels=st.lists(label_sets, min_size=1, max_size=3))
    def agree(routes: tuple[Any, ...], labels: list[dict[str, str]]) -> None:
        routing = _routing(routes)
        config = _write_config(_stack(tmp_path, routing), tmp_path / "routes")
        for label_set in labels:
            result = tools.route(config, label_set)
            assert result.code == 0, result.output
            amtool = result.output.splitlines()[0]
            assert ",".join(routing.receivers_for(label_set)) == amtool, (label_set, config.read_text())

    agree()


def test_inhibits_agrees_with_a_real_alertmanager(tmp_path: Path) -> None:
    stack = _stack(tmp_path, _routing())
    config = _write_config(stack, tmp_path / "am")
    args = [f"--config.file={config}", f"--storage.path={tmp_path / 'data'}", "--cluster.listen-address=",
            "--log.level=warn"]  # fmt: skip
    examples = iter(range(1_000_000))
    with Server("alertmanager", args, tmp_path) as am:

        @SETTINGS
        @given(source=st.lists(matchers(), min_size=1, max_size=2), target=st.lists(matchers(), min_size=1, max_size=2),
               equal=st.lists(st.sampled_from(NAMES), min_size=1, max_size=2, unique=True),
               source_labels=label_sets, target_labels=label_sets)  # fmt: skip
        def agree(source: list[str], target: list[str], equal: list[str], source_labels: dict[str, str],
                  target_labels: dict[str, str]) -> None:  # fmt: skip
            rule = Inhibit(source=tuple(source), target=tuple(target), equal=tuple(equal))
            config.write_text(
                to_yaml(alertmanager.config(stack.model_copy(update={"routing": _routing(inhibit=(rule,))})))
            )
            client.api(f"{am.url}/-/reload", {})
            n = next(examples)
            firing = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
            sent = [{"labels": {**source_labels, "alertname": f"Source{n}"}, "endsAt": firing},
                    {"labels": {**target_labels, "alertname": f"Target{n}"}, "endsAt": firing}]  # fmt: skip
            client.api(f"{am.url}/api/v2/alerts", sent)
            expected = rule.inhibits(sent[0]["labels"], sent[1]["labels"])

            def inhibited() -> bool | None:
                alerts = {a["labels"]["alertname"]: a for a in client.api(f"{am.url}/api/v2/alerts")}
                if f"Target{n}" not in alerts or f"Source{n}" not in alerts:
                    return None
                return bool(alerts[f"Target{n}"]["status"]["inhibitedBy"])

            seen = waiting.until(inhibited, lambda now: now is not None and now == expected, 2.0)
            if not expected:  # quiet must stay quiet: give Alertmanager the time to change its mind
                seen = waiting.until(inhibited, lambda now: now is True, 0.5)
            resolved = datetime.now(UTC).isoformat()
            client.api(f"{am.url}/api/v2/alerts", [{**alert, "endsAt": resolved} for alert in sent])
            assert seen is not None and seen == expected, (rule.describe(), sent)

        agree()
