"""README's "Writing specs" reference cannot rot: its examples are one spec that loads, renders and validates,
and it shows every object and helper `futuramon.dsl` exports."""

from __future__ import annotations

import re
from pathlib import Path

from futuramon import dsl

from .conftest import ROOT, Cli

HEADING = "### Reference: one example of every object"


def _reference() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(HEADING, 1)[1]
    return re.split(r"\n##+ ", section, maxsplit=1)[0]


def test_the_reference_is_a_spec_that_validates(cli: Cli, tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "reference.py").write_text("\n".join(re.findall(r"```python\n(.*?)```", _reference(), re.S)))
    code, stdout, stderr = cli("validate", "--specs", specs, "--out", tmp_path / "out", "--strict",
                               "--skip", "drift")  # fmt: skip
    assert code == 0, stdout + stderr
    assert "0 errors, 0 warnings" in stdout


def test_the_reference_shows_every_object_of_the_dsl() -> None:
    shown = set(re.findall(r"\b\w+\b", _reference()))
    assert sorted(set(dsl.__all__) - shown) == []
