"""Every check has one shape: it reads a Context and yields findings; it never renders or writes."""

from __future__ import annotations

import ast
from pathlib import Path

import futuramon.checks
from futuramon.checks import REGISTRY

FORBIDDEN = {"futuramon.pipeline", "futuramon.writer"}


def test_no_check_imports_the_pipeline_or_the_writer() -> None:
    for path in sorted(Path(futuramon.checks.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {f"{node.module}.{a.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                     for a in node.names if node.module}  # fmt: skip
        imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        assert not imported & FORBIDDEN, f"{path.name} imports {sorted(imported & FORBIDDEN)}"


def test_every_check_has_its_own_test_file() -> None:
    """Every check is tested on its own, on specs written with the DSL, in tests/checks/test_<check>.py."""
    folder = Path(__file__).parent
    for check in REGISTRY:
        path = folder / f"test_{check.name.replace('-', '_')}.py"
        assert path.is_file(), f"{check.name} has no {path.name}"
        assert f'run_check("{check.name}"' in path.read_text(), f"{path.name} never runs {check.name}"
