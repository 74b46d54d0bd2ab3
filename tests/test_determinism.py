"""Render twice, get identical bytes: no timestamps, no hash order, no absolute paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from futuramon.pipeline import build

from .conftest import ROOT, SPECS


def _render_in_subprocess(out: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "futuramon", "render", "--specs", str(SPECS), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
        env=env,
    )
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_renders_in_one_process_are_identical() -> None:
    assert build(SPECS).files == build(SPECS).files


def test_renders_with_different_hash_seeds_are_byte_identical(tmp_path: Path) -> None:
    first = _render_in_subprocess(tmp_path / "a", "1")
    second = _render_in_subprocess(tmp_path / "b", "4242")
    assert first == second
    assert len(first) == 24 + 23 + 1  # production, staging and the manifest


def test_output_holds_no_absolute_paths_or_timestamps(tmp_path: Path) -> None:
    files = build(SPECS).files
    for name, text in files.items():
        assert str(ROOT) not in text, name
        assert "2026-" not in text and "2025-" not in text, name
