"""Shared fixtures: the FuturaTickets specs rendered once, the real tools, and a CLI runner."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from futuramon import tools
from futuramon.cli import app
from futuramon.pipeline import Build, Rendered, build

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
OUT = ROOT / "out"
GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite out/ and tests/golden/ from the specs instead of comparing",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def built() -> Build:
    """Every environment of the FuturaTickets specs."""
    return build(SPECS)


@pytest.fixture(scope="session")
def rendered(built: Build) -> Rendered:
    """FuturaTickets production: contract sections 1-5."""
    return next(e for e in built.environments if e.name == "production")


@pytest.fixture(scope="session")
def staging(built: Build) -> Rendered:
    """FuturaTickets staging: the prometheus-operator form of contract section 6."""
    return next(e for e in built.environments if e.name == "staging")


@pytest.fixture(scope="session")
def tool() -> Callable[[str], Path]:
    """The real binary, version-checked; a missing tool fails the test (it never skips)."""
    return tools.find


@pytest.fixture
def specs_copy(tmp_path: Path) -> Path:
    """A private copy of the FuturaTickets specs, for tests that break them on purpose."""
    copy = tmp_path / "specs"
    shutil.copytree(SPECS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str | Path) -> tuple[int, str, str]:
        handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            result = self.runner.invoke(app, [str(a) for a in args])
        finally:  # a command ignores Ctrl-C once its outcome is known; the test process must not
            for number, handler in handlers.items():
                signal.signal(number, handler)
        return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def cli() -> Cli:
    return Cli()


Golden = Callable[[str, str], None]


@pytest.fixture
def golden(update_golden: bool) -> Golden:
    """Compare text to tests/golden/NAME, or rewrite it under --update-golden."""

    def compare(name: str, text: str) -> None:
        path = GOLDEN / name
        if update_golden:
            path.write_text(text, encoding="utf-8")
        assert path.read_text(encoding="utf-8") == text, f"{name} differs: run `pytest --update-golden`"

    return compare
