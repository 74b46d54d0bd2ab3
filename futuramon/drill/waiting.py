"""Waiting on a real process: poll until the awaited state is there, or the time is up; never a fixed sleep."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def until(look: Callable[[], T], done: Callable[[T], bool], seconds: float, poll: float = 0.1) -> T:
    """What `look` sees as soon as `done` holds for it, or its last look when `seconds` ran out."""
    deadline = time.monotonic() + seconds
    while True:
        seen = look()
        if done(seen) or time.monotonic() >= deadline:
            return seen
        time.sleep(poll)
