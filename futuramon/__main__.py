"""The `futuramon` command. Ctrl-C and SIGTERM become a clean exit 130 from the first instant, imports included."""

from __future__ import annotations

import signal
import sys
from types import FrameType


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops futuramon as cleanly as Ctrl-C
    try:
        from futuramon import cli

        cli.main()
    except KeyboardInterrupt:  # before a command started: nothing was changed yet
        sys.stderr.write("interrupted: nothing was changed\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
