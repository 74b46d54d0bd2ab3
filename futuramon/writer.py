"""The only code that writes out/: all files or none, and nothing stale left behind."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from pathlib import Path

from futuramon.errors import OutputError


def write(files: dict[str, str], out: Path) -> None:
    """Write `files` into a temporary folder beside `out`, then swap it in for `out`.

    A failure at any point (a full disk, no permission, Ctrl-C) leaves `out` as it
    was and removes the temporary folder. Files no longer rendered disappear with
    the old folder.
    """
    out = out.absolute()
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a directory")
    staging: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        for relative, text in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(staging, 0o755)
        _swap(staging, out)
        staging = None
    except OSError as error:
        raise OutputError(f"cannot write {out}: {error.strerror or error}; {out} is unchanged") from error
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def read(out: Path) -> dict[str, str]:
    """What is in `out` now, as relative path → text."""
    if not out.is_dir():
        return {}
    return {
        path.relative_to(out).as_posix(): path.read_bytes().decode("utf-8", errors="replace")
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def changes(files: dict[str, str], out: Path) -> dict[str, tuple[str | None, str | None]]:
    """Each path whose text in `out` differs from what would be written: (now, rendered), None where absent."""
    current = read(out)
    return {
        relative: (current.get(relative), files.get(relative))
        for relative in sorted(set(current) | set(files))
        if current.get(relative) != files.get(relative)
    }


def diff(files: dict[str, str], out: Path) -> str:
    """A unified diff from what is in `out` to what would be written; empty when up to date."""
    chunks: list[str] = []
    for relative, (before, after) in changes(files, out).items():
        chunks.extend(
            difflib.unified_diff(
                (before or "").splitlines(keepends=True),
                (after or "").splitlines(keepends=True),
                fromfile=f"{out.name}/{relative}" if before is not None else "/dev/null",
                tofile=f"{out.name}/{relative} (rendered)" if after is not None else "/dev/null",
            )
        )
        if chunks and not chunks[-1].endswith("\n"):
            chunks[-1] += "\n"
    return "".join(chunks)
