"""The only code that writes out/: it replaces or removes only the files it wrote itself.

futuramon lists the files it wrote in `out/.futuramon-manifest` (committed with them). Every other file
in `out/` belongs to the user: it is kept, named, and never counted as drift.

A render works inside `out/` and never renames `out/` itself, so a symlinked `out/` (the target is
updated) and a bind-mounted one (a container volume) both work. It stages the changed files in
`out/.futuramon-staging/` (which holds a `.gitignore` of `*`, so `git add -A` never picks it up),
syncs the disk once, then moves them into place with Ctrl-C and SIGTERM held back: an interrupted
render leaves either the old or the new complete `out/`, and says which. Concurrent renders into one
`out/` take turns, by a lock on the folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import difflib
import fcntl
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from futuramon.errors import FuturamonError, Interrupted, OutputError, redact

MANIFEST = ".futuramon-manifest"
STAGING = ".futuramon-staging"
_MANIFEST_HEADER = (
    "# The files futuramon rendered here. `futuramon render` replaces or removes only these;\n"
    "# every other file in this folder is yours and is kept. Commit this file with them.\n"
)
_IGNORED = {".gitkeep"}  # an empty out/ committed with a .gitkeep is still empty
_LOCK_WAIT = 120.0  # seconds to wait for another render into the same out/
_HELD = (signal.SIGINT, signal.SIGTERM)
_NEW = "interrupted: {out} was already written, it holds the new render (complete)"


class UnsafeOutput(FuturamonError):
    """An --out that futuramon must not write into (exit 2)."""


@dataclass(frozen=True)
class Written:
    """What a render did to out/."""

    folder: Path
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # files futuramon did not write


def write(files: dict[str, str], out: Path, specs: Path | None = None, final: bool = False) -> Written:
    """Make `out` hold `files` (relative path → text): all of them or, on any failure, none.

    Files futuramon wrote before and no longer renders are removed; every other file is kept.
    Raises UnsafeOutput (exit 2) for a folder it must not write into, OutputError (exit 3) when out/
    cannot be written, Interrupted (exit 130) on Ctrl-C or SIGTERM, each with out/'s true state.
    `final`: the process ends after this write (`futuramon render`): once out/ holds the new render,
    Ctrl-C and SIGTERM are ignored, so what is reported next stays true.
    """
    folder = Path(os.path.realpath(out))
    _refuse_unsafe(out, folder, files, specs)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{out} exists and is not a directory")
    created = not folder.exists()
    committed: list[bool] = []  # [True] once out/ holds the new render
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder, out):
            return _write_locked(files, out, folder, committed, final)
    except OSError as error:
        raise OutputError(f"cannot write {out}: {error.strerror or error}; {out} is unchanged") from error
    except KeyboardInterrupt:
        raise Interrupted(_NEW.format(out=out) if committed else f"interrupted: {out} is as it was") from None
    finally:
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only succeeds when nothing was written


def _write_locked(files: dict[str, str], out: Path, folder: Path, committed: list[bool], final: bool) -> Written:
    if not os.access(folder, os.W_OK) or not folder.stat().st_mode & 0o200:
        raise OutputError(f"{out} is read-only; nothing was changed (make it writable to render)")
    staging = folder / STAGING
    shutil.rmtree(staging, ignore_errors=True)  # left by a render that was killed (SIGKILL, power loss)
    owned = manifest(folder)
    wanted = {**{k: v.encode() for k, v in files.items()}, MANIFEST: manifest_text(files).encode()}
    present = read(folder)
    ours = set(present) & set(files) if owned is None else owned  # no manifest yet: adopt an earlier render
    _refuse_overwrite(out, wanted, present, ours)
    changed = sorted(p for p, data in wanted.items() if present.get(p) != data)  # unchanged bytes stay untouched
    removed = sorted(p for p in ours - set(wanted) if p in present)
    kept = sorted(set(present) - ours - set(wanted))
    written = Written(folder=out, changed=[p for p in changed if p != MANIFEST], removed=removed, kept=kept)
    if not changed and not removed:  # out/ already holds this render: nothing to stage, sync or move
        with _signals_held(keep=final):  # as after a commit: with `final`, what is reported next stays true
            return written
    try:
        (staging / "new").mkdir(parents=True)
        (staging / ".gitignore").write_text("*\n")
        made: set[Path] = set()
        for relative in changed:
            target = staging / "new" / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            with open(target, "wb") as handle:
                handle.write(wanted[relative])
        _sync(staging)
        with _signals_held(keep=final) as arrived:
            _commit(folder, staging, [(p, p in present) for p in changed], removed)
            committed.append(True)
            shutil.rmtree(staging, ignore_errors=True)
        if arrived:
            raise Interrupted(_NEW.format(out=out))
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after a failure; nothing is left once committed
    return written


def _commit(folder: Path, staging: Path, changed: list[tuple[str, bool]], removed: list[str]) -> None:
    """Move the staged files into place (`changed`: path, whether it exists now) and the removed ones aside;
    undo every move if one fails."""
    moves: list[tuple[Path, Path]] = []
    made: list[Path] = []
    ready = {folder}

    def move(source: Path, target: Path) -> None:
        missing = []
        for parent in target.parents:
            if parent in ready:
                break
            missing.append(parent)
        for parent in reversed(missing):
            if not parent.is_dir():
                parent.mkdir()
                made.append(parent)
            ready.add(parent)
        source.rename(target)
        moves.append((source, target))

    try:
        for relative, exists in changed:
            if exists:
                move(folder / relative, staging / "old" / relative)
            move(staging / "new" / relative, folder / relative)
        for relative in removed:
            move(folder / relative, staging / "old" / relative)
    except OSError:
        for source, target in reversed(moves):
            target.rename(source)
        for parent in reversed(made):
            with contextlib.suppress(OSError):
                parent.rmdir()
        raise
    for relative in removed:  # folders left empty by a removed file go too (never one holding a user's file)
        for parent in (folder / relative).parents:
            if parent == folder or os.listdir(parent):
                break
            parent.rmdir()


@contextlib.contextmanager
def _signals_held(keep: bool = False) -> Iterator[list[int]]:
    """Hold Ctrl-C and SIGTERM back while out/ changes: remembered, not raised. Yields those that arrived.
    With `keep`, they stay ignored afterwards (the process is about to end).

    Python runs signal handlers in the main thread only, whichever thread the signal reaches, so swapping
    the handlers there holds them all; in another thread there is nothing to hold."""
    arrived: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield arrived
        return
    previous = {number: signal.signal(number, lambda number, frame: arrived.append(number)) for number in _HELD}
    try:
        yield arrived
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_IGN if keep else handler)


@contextlib.contextmanager
def _locked(folder: Path, out: Path) -> Iterator[None]:
    """One render at a time per out/: a lock on the folder itself, so no lock file is left behind."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + _LOCK_WAIT
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OutputError(
                        f"another render into {out} is running and has not finished in {_LOCK_WAIT:.0f}s; "
                        f"{out} is unchanged by this one"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _sync(folder: Path) -> None:
    """Flush the staged files to disk with one call (not one fsync per file)."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
        if syncfs is None or syncfs(descriptor) != 0:
            os.sync()
    finally:
        os.close(descriptor)


def _refuse_unsafe(out: Path, folder: Path, files: dict[str, str], specs: Path | None) -> None:
    """Refuse folders whose files a render could destroy: /, a home, the repository, the specs, cwd."""
    cwd = Path.cwd().resolve()
    protected = [(specs.resolve(), f"the specs folder {specs}")] if specs is not None else []
    protected += [(root, "the root of a git repository") for root in (cwd, *cwd.parents) if (root / ".git").exists()]
    protected += [(cwd, "the current folder"), (Path.home().resolve(), "your home folder"), (Path("/"), "/")]
    for path, what in protected:
        if folder == path:
            raise UnsafeOutput(f"refusing to render into {out}: it is {what}; pass another --out")
    for path, what in protected:
        if folder in path.parents:
            raise UnsafeOutput(f"refusing to render into {out}: it contains {what}; pass another --out")
    if folder.parent == Path("/home") or (folder / ".git").exists():
        raise UnsafeOutput(
            f"refusing to render into {out}: it is a home folder or a git repository; pass another --out"
        )
    if folder.is_dir() and manifest(folder) is None:
        foreign = sorted(set(read(folder)) - set(files) - _IGNORED)
        if foreign:
            raise UnsafeOutput(
                f"refusing to render into {out}: it is not empty and futuramon did not create it "
                f"(no {MANIFEST}; it holds {_names(foreign)}); pass an empty or new folder as --out"
            )


def _refuse_overwrite(out: Path, wanted: dict[str, bytes], present: dict[str, bytes], ours: set[str]) -> None:
    clash = sorted(p for p in set(wanted) & set(present) - ours - {MANIFEST} if present[p] != wanted[p])
    if clash:
        raise UnsafeOutput(
            f"refusing to overwrite {_names(clash)} in {out}: futuramon did not write "
            f"{'it' if len(clash) == 1 else 'them'}; move {'it' if len(clash) == 1 else 'them'} away and render again"
        )


def _names(paths: list[str], shown: int = 5) -> str:
    more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
    return ", ".join(paths[:shown]) + more


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def manifest_text(files: dict[str, str]) -> str:
    return _MANIFEST_HEADER + "".join(f"{relative}\n" for relative in sorted(files))


def manifest(folder: Path) -> set[str] | None:
    """The files futuramon wrote into `folder`, or None when it has no manifest."""
    text = _bytes(folder / MANIFEST)
    if text is None:
        return None
    return {line for line in text.decode("utf-8", errors="replace").splitlines() if line and not line.startswith("#")}


def read(out: Path) -> dict[str, bytes]:
    """The files in `out` now (relative path → bytes), the manifest included, a render's staging folder not."""
    found = {}
    for top, folders, names in os.walk(out):
        folders[:] = sorted(f for f in folders if not (top == str(out) and f == STAGING))
        for name in sorted(names):
            path = Path(top, name)
            if path.is_file():
                found[path.relative_to(out).as_posix()] = path.read_bytes()
    return found


def foreign(files: dict[str, str], out: Path) -> list[str]:
    """Files in `out` that futuramon did not write and does not render: the user's, always kept."""
    ours = manifest(out) or set()
    return sorted(set(read(out)) - ours - set(files) - _IGNORED - {MANIFEST})


def keeping(files: dict[str, str], out: Path, root: str) -> dict[str, str]:
    """`files` (all under `root`) and the files futuramon wrote in `out` outside `root`, as they are now: what
    `out` holds after rendering one environment of several, the others untouched."""
    current = read(out)
    others = {p: current[p].decode("utf-8") for p in sorted(manifest(out) or set()) if p in current}
    return {**{p: t for p, t in others.items() if not p.startswith(root)}, **files}


def changes(files: dict[str, str], out: Path) -> dict[str, tuple[str | None, str | None]]:
    """Each of futuramon's paths whose text in `out` differs from a render: (now, rendered), None where absent.

    The manifest is one of them; files futuramon did not write are not (see `foreign`).
    """
    owned = manifest(out)
    ours = set(files) if owned is None else owned | {MANIFEST}
    current = {p: data.decode("utf-8", errors="replace") for p, data in read(out).items() if p in ours}
    wanted = {**files, MANIFEST: manifest_text(files)}
    return {
        relative: (current.get(relative), wanted.get(relative))
        for relative in sorted(set(current) | set(wanted))
        if current.get(relative) != wanted.get(relative)
    }


def diff(files: dict[str, str], out: Path) -> str:
    """A unified diff from what is in `out` to what would be written, secrets redacted; empty when up to date."""
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
    return redact("".join(chunks))
