from pathlib import Path

from futuramon import writer

from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("foreign-files") == []


def test_bad_a_users_file_is_named_not_called_drift(run_check: Run, tmp_path: Path) -> None:
    out = tmp_path / "committed"
    writer.write({"runbooks/Gone.md": "old\n"}, out)
    (out / "NOTES.md").write_text("mine\n")
    (out / ".gitkeep").write_text("")
    assert [(p.path, p.message) for p in run_check("foreign-files", out=out)] == [
        (
            "committed/NOTES.md",
            "futuramon did not write it; it is kept, never rendered over (move it if kubectl must not apply it)",
        )
    ]
    assert "committed/NOTES.md" not in {p.path for p in run_check("drift", out=out)}
