from pathlib import Path

from futuramon import writer

from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("drift") == []


def test_bad_stale_file(run_check: Run, tmp_path: Path) -> None:
    out = tmp_path / "committed"
    writer.write({"runbooks/Gone.md": "old\n"}, out)
    problems = run_check("drift", out=out)
    by_path = {p.path: p.message for p in problems}
    assert (
        by_path["committed/runbooks/Gone.md"] == "is no longer rendered: run `futuramon render` and commit the result"
    )
    assert by_path["committed/prometheus/alert-rules.yaml"].startswith("is missing")
