"""CI gates report everything in their own format: a bad spec is a JSON problem or a GitHub annotation at
the spec's file and line (not only a line on stderr), and the shipped workflow runs with least privilege."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import OUT, ROOT, SPECS, Cli
from .minimal_spec import MINIMAL

BROKEN = MINIMAL.replace('for_="10m"', 'for_="10 minutes"')
MESSAGE = "Alert 'Slow': field 'for_': expected a Prometheus duration like 30s, 5m or 1h30m, got '10 minutes'"


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/spec.py").write_text(BROKEN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_validate_json_reports_a_bad_spec_as_a_problem(cli: Cli, broken: Path) -> None:
    code, stdout, stderr = cli("validate", "--format", "json")
    assert code == 2
    assert json.loads(stdout) == {
        "version": 1,
        "ok": False,
        "checks": 0,
        "problems": [{"path": "specs/spec.py", "line": 14, "severity": "error", "message": MESSAGE, "check": "spec"}],
    }
    assert stderr == f"error: specs/spec.py:14: {MESSAGE}\n"


@pytest.mark.parametrize("command", [("validate",), ("render", "--check")], ids=["validate", "render-check"])
def test_github_format_annotates_a_bad_spec_at_its_line(cli: Cli, broken: Path, command: tuple[str, ...]) -> None:
    code, stdout, _ = cli(*command, "--format", "github")
    assert code == 2
    assert stdout.splitlines()[0] == f"::error file=specs/spec.py,line=14,title=spec::{MESSAGE}"


def test_render_check_github_annotates_stale_and_foreign_files(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(OUT, out)
    (out / "production/runbooks/PodDown.md").write_text("edited by hand\n")
    (out / "NOTES.md").write_text("mine\n")
    code, stdout, _ = cli("render", "--check", "--specs", SPECS, "--out", out, "--format", "github")
    assert code == 1
    assert stdout.splitlines() == [
        "::warning file=out/NOTES.md,line=1,title=foreign-files::futuramon did not write it; it is kept, never "
        "rendered over (move it if kubectl must not apply it)",
        "::error file=out/production/runbooks/PodDown.md,line=1,title=drift::is stale: run `futuramon render` and "
        "commit the result",
        "FAILED: 2 checks, 1 errors, 1 warnings",
    ]


def test_a_missing_tool_is_a_json_problem_too(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUTURAMON_TOOLS", str(tmp_path / "empty"))
    code, stdout, _ = cli("validate", "--specs", SPECS, "--format", "json")
    assert code == 2
    (problem,) = json.loads(stdout)["problems"]
    assert problem["check"] == "futuramon" and "promtool is not installed" in problem["message"]


def test_the_workflow_runs_with_least_privilege_and_verified_tools() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/monitoring.yml").read_text())
    assert workflow["permissions"] == {"contents": "read"}
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    script = "\n".join(steps)
    assert "curl" not in script and "wget" not in script, "tools come from the verified Debian archive, not curl"
    assert "bash scripts/install-tools.sh" in script  # apt checks every .deb against Debian's signed index
    assert "futuramon render --check --format github" in script
    assert "futuramon validate --format github" in script
