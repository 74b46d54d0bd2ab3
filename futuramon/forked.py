"""Run a piece of work in a forked child process and bring its result back to the parent.

Whatever the work does to its own process (`sys.exit`, `os._exit`, a crash, a signal) cannot end
futuramon's run with an exit code of its choosing: the parent sees it and says what happened. A fork
costs a few milliseconds (no interpreter start, nothing imported twice); results travel pickled
through a pipe.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, Generic, TypeVar

T = TypeVar("T")
_exit = os._exit  # the child's own way out, even if the work replaces os._exit
Note = Callable[[str], None]
_LONGEST = 1 << 34  # bytes: no result is this large


class ChildTraceback(Exception):
    """The traceback of an error raised in the child, shown with --debug."""


class Ended(Exception):
    """The child ended without a result: `code` is its exit code (negative: the signal that ended it) and
    `note` the last progress note it sent. `interrupted`: the parent got Ctrl-C or SIGTERM meanwhile."""

    def __init__(self, code: int, note: str | None, interrupted: bool = False) -> None:
        super().__init__(f"child ended with {code} after {note!r}")
        self.code, self.note, self.interrupted = code, note, interrupted


def run(work: Callable[[Note], T], meanwhile: Callable[[], object] = lambda: None) -> T:
    """`work(note)` in a child process; `note(text)` tells the parent what it is doing, which runs `meanwhile()`
    while the child works (both use a core). Returns what `work` returns, raises what it raises (with its
    traceback as the cause), or raises `Ended`."""
    return start(work).result(meanwhile)


def start(work: Callable[[Note], T]) -> Child[T]:
    """`work(note)` started in a child process, for `result()` to wait for (see `run`)."""
    reading, writing = os.pipe()
    # held across the fork: inside it a signal would interrupt the interpreter's own at-fork handlers, and in
    # the child, before it handles them itself, it would unwind this process's stack there
    with _held() as mask:
        pid = os.fork()
        if pid == 0:  # the child: never returns (it sets the mask back itself, once its handlers are in place)
            _child(work, reading, writing, mask)
    os.close(writing)
    return Child(pid, reading)


class Child(Generic[T]):
    """A child process at work (`start`)."""

    def __init__(self, pid: int, reading: int) -> None:
        self.pid, self.reading = pid, reading

    def result(self, meanwhile: Callable[[], object] = lambda: None) -> T:
        """Run `meanwhile()` here, then wait for the child's result (see `run`)."""
        pid = self.pid
        note: str | None = None
        outcome: tuple[Any, ...] | None = None
        with os.fdopen(self.reading, "rb") as stream:
            try:
                with _held():  # meanwhile() imports modules
                    meanwhile()
                while (message := _receive(stream)) is not None:
                    if message[0] == "note":
                        note = message[1]
                    else:
                        outcome = message
            except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the child says where it was, or is killed
                _stop(pid)
                outcome = next((m for m in iter(lambda: _receive(stream), None) if m[0] == "raised"), None)
                if outcome is None:
                    raise Ended(-signal.SIGINT, note, interrupted=True) from None
                raise outcome[1] from None
            except BaseException:  # meanwhile() failed: the child's work is not wanted any more
                _stop(pid)
                raise
        _, status = os.waitpid(pid, 0)
        if outcome is None:
            raise Ended(os.waitstatus_to_exitcode(status), note)
        if outcome[0] == "raised":
            raise outcome[1] from ChildTraceback(outcome[2])
        result: T = outcome[1]
        return result

    def stop(self) -> None:
        """The child's work is not wanted any more: stop it, and reap it."""
        os.close(self.reading)
        _stop(self.pid)


@contextlib.contextmanager
def _held() -> Iterator[set[int | signal.Signals]]:
    """Ctrl-C and SIGTERM held until the block is done, then delivered (the block gets the mask to set back):
    arriving inside the import machinery, they would print "Exception ignored" and a traceback instead of
    raising KeyboardInterrupt in this code."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield mask
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _stop(pid: int, grace: float = 2.0) -> None:
    """Ask the child to stop (it raises KeyboardInterrupt where it is); kill it if it has not within `grace`."""
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
            time.sleep(0.01)
    except KeyboardInterrupt:  # asked twice: do not wait
        pass
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _child(work: Callable[[Note], Any], reading: int, writing: int, held: set[int | signal.Signals]) -> None:
    try:
        os.close(reading)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the work sees both as KeyboardInterrupt
        signal.signal(signal.SIGTERM, signal.default_int_handler)

        def send(message: tuple[Any, ...]) -> None:
            data = pickle.dumps(message)
            _write_all(writing, struct.pack(">Q", len(data)) + data)

        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a signal held since the fork stops the work here
            send(("returned", work(lambda text: send(("note", text)))))
        except BaseException as error:
            trace = traceback.format_exc()
            try:
                send(("raised", error, trace))
            except Exception:  # an exception that does not pickle: its text still tells what went wrong
                send(("raised", RuntimeError(f"{type(error).__name__}: {error}"), trace))
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        _exit(0)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _receive(stream: BinaryIO) -> tuple[Any, ...] | None:
    header = stream.read(8)
    if len(header) < 8:
        return None
    (length,) = struct.unpack(">Q", header)
    if length > _LONGEST:  # a read cut short by Ctrl-C left the stream inside a message: nothing more to trust
        return None
    data = stream.read(length)
    if len(data) < length:
        return None
    try:
        message: tuple[Any, ...] = pickle.loads(data)
    except Exception:  # likewise: not a message the child sent
        return None
    return message
