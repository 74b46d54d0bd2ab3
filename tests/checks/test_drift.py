from pathlib import Path

from futuramon import writer

from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("drift") == []


def test_bad_stale_file(run_check: Run, tmp_path: Path) -> None:
    out = tmp_path / "committed"
    writer.write({"runbooks/Gone.md": "old\n"}, out)
    (problem,) = run_check("drift", out=out)
    assert "differs from a fresh render" in problem.message and "committed/runbooks/Gone.md" in problem.message
