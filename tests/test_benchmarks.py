"""Speed, measured not asserted: `python -m pytest tests/test_benchmarks.py --benchmark-enable`.

In the normal suite (`--benchmark-disable`) each runs once, as a plain test that the path works.
"""

from __future__ import annotations

from typing import Any

from futuramon.checks import REGISTRY
from futuramon.pipeline import build
from futuramon.validate import validate

from .conftest import OUT, SPECS


def test_render_futuratickets(benchmark: Any) -> None:
    rendered = benchmark(build, SPECS)
    assert len(rendered.files) == 24 + 23  # production, staging


def test_validate_futuratickets(benchmark: Any) -> None:
    problems = benchmark.pedantic(validate, args=(SPECS, OUT, REGISTRY), rounds=5, iterations=1)
    assert problems == []


def test_validate_without_tools(benchmark: Any) -> None:
    checks = [check for check in REGISTRY if not check.needs_tools]
    assert benchmark(validate, SPECS, OUT, checks) == []
