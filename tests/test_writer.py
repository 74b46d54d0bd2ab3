"""The writer never destroys what isn't futuramon's, and works where users put out/.

Real processes where that is how users meet it: a real symlink, a real `mount --bind` (the tests run
as root), real SIGINT/SIGTERM sent to a real `futuramon render`, real concurrent renders.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from futuramon import writer

from .conftest import OUT, ROOT, SPECS, Cli


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _handles_sigterm(process: subprocess.Popen[str]) -> None:
    """Wait until futuramon's own code runs (it catches SIGTERM): before that, Python itself is starting."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        status = Path(f"/proc/{process.pid}/status").read_text()
        caught = int(next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16)
        if caught & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.002)


def _futuramon(*args: str | Path, cwd: Path = ROOT) -> subprocess.Popen[str]:
    """A real `futuramon` process, as a user starts it."""
    exe = Path(sys.executable).parent / "futuramon"
    return subprocess.Popen(
        [str(exe), *map(str, args)], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.fixture
def older_out(tmp_path: Path) -> Path:
    """A committed out/ from an older render: one runbook differs, one file is no longer rendered."""
    out = tmp_path / "out"
    shutil.copytree(OUT, out)
    (out / "production/runbooks/PodDown.md").write_text("an older render\n")
    (out / "production/runbooks/Retired.md").write_text("# a retired alert\n")
    manifest = out / writer.MANIFEST
    manifest.write_text(manifest.read_text() + "production/runbooks/Retired.md\n")
    return out


# --- 1. only futuramon's own files are replaced or removed ------------------------------------------


def test_files_futuramon_did_not_write_are_kept_and_named(cli: Cli, older_out: Path) -> None:
    (older_out / "NOTES.md").write_text("my notes\n")
    (older_out / "production/k8s/extra").mkdir()
    (older_out / "production/k8s/extra/quota.yaml").write_text("kind: ResourceQuota\n")
    (older_out / ".gitkeep").write_text("")
    code, stdout, _ = cli("render", "--specs", SPECS, "--out", older_out)
    assert code == 0
    assert "kept 3 files futuramon did not write: .gitkeep, NOTES.md, production/k8s/extra/quota.yaml" in stdout
    assert "(1 changed, 1 removed)" in stdout
    assert (older_out / "NOTES.md").read_text() == "my notes\n"
    assert (older_out / "production/k8s/extra/quota.yaml").read_text() == "kind: ResourceQuota\n"
    assert (older_out / ".gitkeep").exists() and not (older_out / "production/runbooks/Retired.md").exists()
    assert _snapshot(older_out) == {
        **_snapshot(OUT),
        "NOTES.md": b"my notes\n",
        "production/k8s/extra/quota.yaml": b"kind: ResourceQuota\n",
        ".gitkeep": b"",
    }


def test_check_and_validate_warn_about_foreign_files_never_call_them_drift(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(OUT, out)
    (out / "NOTES.md").write_text("my notes\n")
    code, stdout, stderr = cli("render", "--check", "--specs", SPECS, "--out", out)
    assert code == 0 and "up to date" in stdout
    assert f"warning: {out}/NOTES.md: futuramon did not write it; it is kept" in stderr
    code, stdout, _ = cli("validate", "--specs", SPECS, "--out", out, "--only", "drift", "--only", "foreign-files")
    assert code == 0
    assert "out/NOTES.md:1: warning: futuramon did not write it" in stdout and "run `futuramon render`" not in stdout


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (".", "it is the current folder"),
        ("specs", "it is the specs folder"),
        ("..", "it contains the specs folder specs"),
        ("/", "it is /"),
        ("home", "it is your home folder"),
        ("other-repo", "it is a home folder or a git repository"),
        ("notes", "it is not empty and futuramon did not create it (no .futuramon-manifest; it holds todo.txt)"),
    ],
)
def test_dangerous_out_folders_are_refused(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, reason: str
) -> None:
    project = tmp_path / "project"
    shutil.copytree(SPECS, project / "specs", ignore=shutil.ignore_patterns("__pycache__"))
    (project / "home").mkdir()
    (project / "other-repo/.git").mkdir(parents=True)
    (project / "notes").mkdir()
    (project / "notes/todo.txt").write_text("buy milk\n")
    monkeypatch.setenv("HOME", str(project / "home"))
    monkeypatch.chdir(project)
    before = _snapshot(tmp_path)
    code, _, stderr = cli("render", "--specs", "specs", "--out", target)
    assert code == 2, stderr
    assert stderr.startswith(f"error: refusing to render into {target}: {reason}")
    assert _snapshot(tmp_path) == before


def test_the_root_of_a_git_repository_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SPECS, repo / "specs", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "work.txt").write_text("uncommitted\n")
    process = _futuramon("render", "--specs", repo / "specs", "--out", repo, cwd=repo / "specs")
    _, stderr = process.communicate()
    assert process.returncode == 2
    assert f"refusing to render into {repo}: it is the root of a git repository" in stderr
    assert (repo / "work.txt").read_text() == "uncommitted\n" and (repo / ".git/HEAD").exists()


def test_a_user_file_where_a_render_would_go_is_not_overwritten(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(OUT, out)
    manifest = out / writer.MANIFEST
    manifest.write_text(manifest.read_text().replace("production/runbooks/PodDown.md\n", ""))
    (out / "production/runbooks/PodDown.md").write_text("my own runbook\n")
    before = _snapshot(out)
    code, _, stderr = cli("render", "--specs", SPECS, "--out", out)
    assert code == 2
    assert "refusing to overwrite production/runbooks/PodDown.md" in stderr and "futuramon did not write it" in stderr
    assert _snapshot(out) == before


def test_an_earlier_render_without_a_manifest_is_adopted(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(OUT, out)
    (out / writer.MANIFEST).unlink()
    code, _, stderr = cli("render", "--check", "--specs", SPECS, "--out", out)
    assert code == 1 and "stale" in stderr
    assert cli("render", "--specs", SPECS, "--out", out)[0] == 0
    assert _snapshot(out) == _snapshot(OUT)


# --- 2. where users put out/ -------------------------------------------------------------------------


def test_a_symlinked_out_keeps_its_link_and_updates_its_target(cli: Cli, older_out: Path, tmp_path: Path) -> None:
    target = tmp_path / "volume" / "monitoring"
    target.parent.mkdir()
    older_out.rename(target)
    link = tmp_path / "out"
    link.symlink_to(target)
    code, stdout, _ = cli("render", "--specs", SPECS, "--out", link)
    assert code == 0, stdout
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert _snapshot(target) == _snapshot(OUT)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "volume"]


@pytest.fixture
def bind_mount(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(source, mount point): a real bind mount, as a container volume is."""
    source, point = tmp_path / "volume", tmp_path / "out"
    source.mkdir()
    point.mkdir()
    subprocess.run(["mount", "--bind", str(source), str(point)], check=True)
    try:
        yield source, point
    finally:
        subprocess.run(["umount", str(point)], check=True)


def test_a_bind_mounted_out_is_written_in_place(bind_mount: tuple[Path, Path]) -> None:
    source, point = bind_mount
    for _ in range(2):  # the first render fills it, the second updates it
        process = _futuramon("render", "--specs", SPECS, "--out", point)
        stdout, stderr = process.communicate()
        assert process.returncode == 0, stderr
    (source / "production/runbooks/PodDown.md").write_text("an older render\n")
    process = _futuramon("render", "--specs", SPECS, "--out", point)
    stdout, _ = process.communicate()
    assert process.returncode == 0 and "(1 changed)" in stdout
    assert _snapshot(source) == _snapshot(OUT)
    assert sorted(p.name for p in point.iterdir()) == sorted(p.name for p in OUT.iterdir())


def test_a_read_only_bind_mount_is_exit_3_and_unchanged(older_out: Path, tmp_path: Path) -> None:
    point = tmp_path / "ro"
    point.mkdir()
    subprocess.run(["mount", "-o", "bind,ro", str(older_out), str(point)], check=True)
    try:
        before = _snapshot(point)
        process = _futuramon("render", "--specs", SPECS, "--out", point)
        _, stderr = process.communicate()
        assert process.returncode == 3, stderr
        assert "is read-only; nothing was changed" in stderr and "Traceback" not in stderr
        assert _snapshot(point) == before
    finally:
        subprocess.run(["umount", str(point)], check=True)


def test_a_read_only_out_stays_read_only_and_unchanged(cli: Cli, older_out: Path) -> None:
    before = _snapshot(older_out)
    older_out.chmod(0o555)
    try:
        code, _, stderr = cli("render", "--specs", SPECS, "--out", older_out)
        assert code == 3 and "is read-only; nothing was changed" in stderr
        assert _snapshot(older_out) == before and older_out.stat().st_mode & 0o777 == 0o555
    finally:
        older_out.chmod(0o755)


def test_concurrent_renders_take_turns(older_out: Path) -> None:
    processes = [_futuramon("render", "--specs", SPECS, "--out", older_out) for _ in range(12)]
    results = [(p.wait(), p.stderr.read() if p.stderr else "") for p in processes]
    assert [code for code, _ in results] == [0] * 12, results
    assert _snapshot(older_out) == _snapshot(OUT)
    assert sorted(p.name for p in older_out.parent.iterdir()) == ["out"]
    assert not (older_out / writer.STAGING).exists()


# --- Ctrl-C and SIGTERM: the message is true, out/ is old or new, never a mix ---------------------------


def _old_or_new(out: Path, old: dict[str, bytes], stderr: str, code: int) -> str:
    """Which complete out/ the process left, checked against what it said."""
    assert "Traceback" not in stderr, stderr
    now = _snapshot(out)
    assert not (out / writer.STAGING).exists(), "no staging folder may be left behind"
    if code == 0:
        assert now == _snapshot(OUT)
        return "new"
    assert code == 130, stderr
    if "holds the new render" in stderr:
        assert now == _snapshot(OUT)
        return "new"
    assert "is as it was" in stderr or "nothing was changed" in stderr, stderr
    assert now == old
    return "old"


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_at_any_moment_leaves_old_or_new_out_and_says_which(older_out: Path, sent: signal.Signals) -> None:
    old = _snapshot(older_out)
    seen = []
    delay = 0.0
    while "finished" not in seen:  # later and later, until the render is done before the signal comes
        shutil.rmtree(older_out)
        older_out.mkdir()
        for relative, data in old.items():
            (older_out / relative).parent.mkdir(parents=True, exist_ok=True)
            (older_out / relative).write_bytes(data)
        process = _futuramon("render", "--specs", SPECS, "--out", older_out)
        _handles_sigterm(process)
        time.sleep(delay)
        if process.poll() is not None:
            seen.append("finished")
        process.send_signal(sent)
        _, stderr = process.communicate()
        seen.append(_old_or_new(older_out, old, stderr, process.returncode))
        delay += 0.25
    assert seen[0] == "old" and seen[-1] == "new", seen


def test_a_signal_while_files_move_into_place_is_held_until_out_is_complete(
    cli: Cli, older_out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit = writer._commit

    def interrupted_commit(*args: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # arrives while the files are moving
        commit(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "_commit", interrupted_commit)
    code, _, stderr = cli("render", "--specs", SPECS, "--out", older_out)
    assert code == 130
    assert stderr == f"interrupted: {older_out} was already written, it holds the new render (complete)\n"
    assert _snapshot(older_out) == _snapshot(OUT)


def test_a_failure_while_files_move_into_place_puts_everything_back(
    cli: Cli, older_out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(older_out)
    rename = Path.rename

    def failing_rename(self: Path, target: Path) -> Path:
        if self.name == "Retired.md":  # the last move: every changed file is already in place
            raise OSError(28, "No space left on device")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)
    code, _, stderr = cli("render", "--specs", SPECS, "--out", older_out)
    monkeypatch.undo()
    assert code == 3 and "No space left on device" in stderr and "is unchanged" in stderr
    assert _snapshot(older_out) == before


def test_a_killed_renders_staging_is_invisible_to_git_and_removed_by_the_next(cli: Cli, tmp_path: Path) -> None:
    """SIGKILL (or a power cut) can stop a render mid-way: its staging folder must not reach `git add -A`."""
    repo = tmp_path / "repo"
    shutil.copytree(OUT, repo / "out")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    staging = repo / "out" / writer.STAGING  # as a render killed while staging leaves it
    (staging / "new").mkdir(parents=True)
    (staging / ".gitignore").write_text("*\n")
    (staging / "new/half-written.yaml").write_text("kind: Conf")
    added = subprocess.run(["git", "add", "-A", "--dry-run"], cwd=repo, capture_output=True, text=True, check=True)
    assert writer.STAGING not in added.stdout and "out/production/runbooks/PodDown.md" in added.stdout
    assert cli("render", "--specs", SPECS, "--out", repo / "out")[0] == 0
    assert not staging.exists()
