"""Only spec modules are trusted code: templates are sandboxed, YAML is read safely, secrets never echo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import UndefinedError
from jinja2.sandbox import SecurityError

from futuramon import templates
from futuramon.errors import SpecError, redact

from .conftest import ROOT, Cli
from .minimal_spec import MINIMAL


def test_templates_are_sandboxed_and_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "escape.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    (tmp_path / "undefined.j2").write_text("{{ nothing_here }}")
    monkeypatch.setattr(templates, "_folder", lambda: tmp_path)
    with pytest.raises(SecurityError):
        templates.render("escape.j2")
    with pytest.raises(UndefinedError):
        templates.render("undefined.j2")


def test_yaml_is_only_read_with_safe_loaders() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "futuramon").rglob("*.py"))
    assert not re.search(r"yaml\.(load|unsafe_load|full_load)\(", source)
    assert not re.search(r"\b(eval|exec)\(", source)


@pytest.mark.parametrize(
    "secret",
    [
        "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
        "https://discord.com/api/webhooks/123/abc-DEF",
        "xoxb-123456789012-abcdefghij",
    ],
)
def test_secrets_are_redacted_from_messages(secret: str) -> None:
    assert secret not in redact(f"failed to post to {secret} today")
    assert secret not in str(SpecError(f"bad value {secret}"))


def test_a_secret_in_a_failing_spec_module_is_not_printed(cli: Cli, tmp_path: Path) -> None:
    secret = "https://hooks.slack.com/services/T000/B000/XXXXXXXX"
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "spec.py").write_text(
        MINIMAL.replace("BOOK = runbook(", f"raise RuntimeError({secret!r})\nBOOK = runbook(")
    )
    code, stdout, stderr = cli("render", "--specs", specs, "--out", tmp_path / "out")
    assert code == 2 and "RuntimeError" in stderr and "<redacted>" in stderr
    assert secret not in stdout + stderr
