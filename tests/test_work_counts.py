"""The work done per rule, counted (not timed): the known hot spots of a large stack cannot come back.

A generated stack of 10 services x the 15 FuturaTickets alerts (bench/scale.py) is loaded and rendered,
and its alert tests run, while counting how often an expression is parsed, a template compiled, a group
searched, PyYAML's emitter called and promtool started.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from jinja2.sandbox import SandboxedEnvironment

from bench.scale import generate
from futuramon import forked, promql, templates, tools, writer
from futuramon.checks import REGISTRY, base, outputs
from futuramon.checks.base import Check, Context
from futuramon.checks.behaviour import alert_tests
from futuramon.loader import load
from futuramon.model import Alert, Stack
from futuramon.pipeline import Build
from futuramon.render import prometheus, promtool_tests
from futuramon.render.outputs import render
from futuramon.validate import check_rendered

from .conftest import SPECS

SERVICES = 10


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(SPECS, tmp_path_factory.mktemp("scale") / "specs", SERVICES, tests=True)


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, key: Any = None) -> Counter[Any]:
    """Count the calls of owner.name (by `key(*args)`), still doing the real work."""
    calls: Counter[Any] = Counter()
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[key(*args) if key else None] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_each_expression_is_parsed_once(specs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    promql.parse.cache_clear()
    parsed = _counting(monkeypatch, promql.promql_parser, "parse", key=lambda expr: expr)
    stack = load(specs)[0]
    render(stack)
    assert len(stack.alerts) == SERVICES * 15
    assert parsed and max(parsed.values()) == 1, parsed.most_common(3)


def test_a_stamped_alert_is_validated_and_parsed_once_however_many_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading and rendering 2 or 300 services validates each declared alert once and parses as often."""
    work = {}
    for services in (2, 300):
        specs = generate(SPECS, tmp_path / f"scale{services}", services, tests=True)
        promql.parse.cache_clear()
        with monkeypatch.context() as patched:
            parsed = _counting(patched, promql.promql_parser, "parse")
            validated = _counting(patched, Alert, "model_post_init")
            files = render(_loaded_here(specs, patched))
        assert files["prometheus/alert-rules.yaml"].count("- alert: ") == services * 15
        work[services] = (validated[None], parsed[None])
    assert work[2] == work[300] and work[2][0] == 30, work  # the 15 FuturaTickets alerts, and 15 templates of them


def test_the_loader_sends_back_the_templates_not_the_copies(tmp_path: Path) -> None:
    """What the loader's process pickles back grows by one small parameter set per service, not by 15 alerts."""
    size = {n: len(pickle.dumps(load(generate(SPECS, tmp_path / f"s{n}", n, tests=True))[0])) for n in (2, 300)}
    assert size[300] - size[2] < 298 * 100, size  # {"service": "svc0123"}: a few dozen bytes


def test_a_render_syncs_once_and_leaves_unchanged_files_alone(specs: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    files = render(load(specs)[0])
    out = tmp_path / "out"
    synced = _counting(monkeypatch, writer, "_sync")
    fsynced = _counting(monkeypatch, os, "fsync")
    writer.write(files, out)
    assert (synced[None], fsynced[None]) == (1, 0)  # one syncfs for every file, no fsync per file
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    page = "runbooks/HighErrorRate.md"
    written = writer.write({**files, page: files[page] + "\nEdited.\n"}, out)
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert written.changed == [page] and synced[None] == 2
    assert [p.relative_to(out).as_posix() for p in before if before[p] != after[p]] == [page]


def _loaded_here(specs: Path, monkeypatch: pytest.MonkeyPatch) -> Stack:
    """The stack loaded in this process (not in the loader's fork), so that the counters see the work."""
    monkeypatch.setattr(os, "_exit", os._exit)  # the loader replaces it in its process: restored after
    monkeypatch.setattr(forked, "run", lambda work, *meanwhile: work(lambda note: None))
    try:
        return load(specs)[0]
    finally:
        for name in [n for n in sys.modules if n.split(".")[0] == specs.name]:
            del sys.modules[name]


def test_the_runbook_template_is_compiled_once(specs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates._environment.cache_clear()
    compiled = _counting(monkeypatch, SandboxedEnvironment, "compile", key=lambda env, source, name=None, *_: name)
    files = render(load(specs)[0])
    assert sum(name.startswith("runbooks/") for name in files) == 15  # one page per declared alert
    assert compiled["runbooks/alert.md.j2"] == 1


def test_no_group_is_searched_and_no_alert_compared(specs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stack = load(specs)[0]
    searched = _counting(monkeypatch, prometheus, "group_of")
    compared = _counting(monkeypatch, Alert, "__eq__")
    suites = promtool_tests.suites(stack)
    render(stack)
    assert len(suites) == 15  # a stamped alert's cases run once, against its first copy
    assert searched[None] == 0 and compared[None] == 0


def test_yaml_is_written_without_pyyamls_emitter(specs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stack = load(specs)[0]
    dumped = _counting(monkeypatch, yaml, "dump")
    files = render(stack)
    assert files["prometheus/alert-rules.yaml"].count("- alert: ") == SERVICES * 15
    assert dumped[None] == 0


def test_alert_tests_start_at_most_one_promtool_per_core(specs: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    stack: Stack = load(specs)[0]
    started = _counting(monkeypatch, tools, "run", key=lambda name, *args: (name, *args[:2]))
    context = Context(stack, {}, tmp_path, specs, "out", {}, ())
    assert list(alert_tests(context)) == []  # every case of the 150 alerts passes
    assert 1 <= started["promtool", "test", "rules"] <= (os.cpu_count() or 1)


def test_amtool_routes_each_distinct_routing_once(specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 150 alerts of 10 services take the routes of the 15 FuturaTickets alerts: amtool is asked once for
    each set of the labels the routes match on, not once per alert."""
    stack: Stack = load(specs)[0]
    files = render(stack)
    writer.write(files, tmp_path)
    started = _counting(monkeypatch, tools, "run", key=lambda name, *args: (name, *args[:2]))
    context = Context(stack, files, tmp_path, specs, "out", {}, ())
    assert check("alerts-routed-as-deployed").run(context) == []
    routings = {(a.labels.get("severity", a.severity), a.category) for a in stack.alerts}
    assert started["amtool", "config", "routes"] == len(routings) < 15


def check(name: str) -> Check:
    return next(c for c in REGISTRY if c.name == name)


def test_checks_share_what_they_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rendered YAML file is parsed once for all checks, the catalog's labels are worked out once, each
    Kubernetes JSON schema is read from disk once, and each spec file's path is resolved once (150 alerts
    without test cases: a warning per declared alert, not per copy, all naming the same file)."""
    specs = generate(SPECS, tmp_path / "specs", SERVICES, tests=False)
    stack: Stack = load(specs)[0]
    files = render(stack)
    parsed = _counting(monkeypatch, yaml, "load_all", key=lambda text, *_: text)
    catalogs = _counting(monkeypatch, Stack, "series_labels")
    resolved = _counting(monkeypatch, Path, "resolve")
    outputs.kubernetes_validate.utils.schema_contents.cache_clear()
    base._shown.cache_clear()
    context = Context(stack, files, tmp_path, specs, "out", {}, ())
    names = ("kubernetes-schema", "selector-labels", "annotation-labels", "inhibit-coverage", "alert-cases")
    warned = [problem for name in names for problem in check(name).run(context)]
    assert len(warned) == 15 and {p.check for p in warned} == {"alert-cases"}  # once per declared alert
    k8s = [name for name in files if name.startswith("k8s/")]
    assert len(k8s) >= 3 and max(parsed.values()) == 1 and len(parsed) == len(k8s)
    assert catalogs[None] == 1
    kinds = {(d["apiVersion"], d["kind"]) for name in k8s for d in context.documents(name)}
    assert outputs.kubernetes_validate.utils.schema_contents.cache_info().misses <= 2 * len(kinds)
    assert resolved[None] <= 4


def test_validate_of_futuratickets_starts_few_tool_processes(built: Build, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Every check of both environments: promtool tests their alerts in at most one process per core (the two
    environments share the cores, one process each at least); amtool routes once per distinct set of the labels
    the routes match on, for the route cases and the alerts together (the FuturaTickets cases take every route
    its alerts take)."""
    started = _counting(monkeypatch, tools, "run", key=lambda name, *args: (name, *args[:2]))
    problems = check_rendered(built, SPECS, tmp_path, REGISTRY)
    assert {p.check for p in problems} <= {"drift"}  # tmp_path is no committed out/: every file is missing
    stacks = [e.stack for e in built.environments]
    cores = os.cpu_count() or 1
    assert len(stacks) <= started["promtool", "test", "rules"] <= max(cores, len(stacks))
    route_cases = sum(len(s.routing.tests) for s in stacks)
    alerts = sum(len(s.alerts) for s in stacks)
    assert 2 <= started["amtool", "config", "routes"] <= route_cases < alerts
    assert started["promtool", "check", "rules"] == len(stacks)  # its one rule file, for both checks that read it


def test_cases_on_the_same_series_share_a_promtool_test_group(built: Build) -> None:
    """promtool sets up a storage and a rule manager for each test group: an alert's cases on the same series
    (a firing case and the quiet one derived a minute before it) run in one, evaluated at each case's time, so
    the FuturaTickets alerts' 100 cases over both environments take 60 groups (83 with a group per case)."""
    suites = [suite for e in built.environments for suite in promtool_tests.suites(e.stack)]
    for suite in suites:
        inputs = [repr(test["input_series"]) for test in suite.tests["tests"]]
        assert len(inputs) == len(set(inputs)), suite.alert.name  # no two groups of an alert on the same series
    groups = sum(len(bundle.tests["tests"]) for e in built.environments
                 for bundle in promtool_tests.bundles(promtool_tests.suites(e.stack)))  # fmt: skip
    assert (sum(len(suite.cases) for suite in suites), groups) == (100, 60)
