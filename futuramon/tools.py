"""The real binaries futuramon drives: found, version-checked, and run with a timeout."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from futuramon.errors import ToolError

# Minimum versions: promtool/prometheus 2.53, amtool/alertmanager 0.28 (api_url_file, webhook_url_file,
# `amtool config routes test --verify.receivers`, `amtool template render`), vmalert 1.100 (`-dryRun`).
MINIMUM = {"promtool": (2, 53), "prometheus": (2, 53), "amtool": (0, 28), "alertmanager": (0, 28), "vmalert": (1, 100)}
INSTALL_HINT = (
    "install it with `bash scripts/install-tools.sh` (puts promtool, amtool, prometheus, alertmanager and vmalert "
    "into .tools/bin), or put it on PATH, or point FUTURAMON_TOOLS at a folder that holds it"
)
# How each binary states its version: `promtool, version 2.53.3 (...)`, `vmalert-20250101-...-v1.112.0`.
# Debian builds vmalert without a version stamp; scripts/install-tools.sh then writes the package's
# version into `vmalert.version` beside it.
_VERSION = {"vmalert": re.compile(r"v(\d+)\.(\d+)\.\d+")}
_DEFAULT_VERSION = re.compile(r"version (\d+)\.(\d+)")


def needed(target: str) -> tuple[str, ...]:
    """The tools `validate` runs on an environment of this target."""
    return ("promtool", "amtool", "vmalert") if target == "ruler" else ("promtool", "amtool")


MEMORY = Path("/dev/shm")  # Linux's tmpfs
_checked: set[Path] = set()
Item = TypeVar("Item")


@dataclass(frozen=True)
class Result:
    code: int
    output: str


def _candidates(name: str) -> list[Path]:
    """FUTURAMON_TOOLS alone when set; otherwise the project's .tools/bin, then PATH."""
    explicit = os.environ.get("FUTURAMON_TOOLS")
    if explicit:
        return [Path(folder) / name for folder in explicit.split(os.pathsep) if folder]
    on_path = shutil.which(name)
    return [Path(__file__).resolve().parent.parent / ".tools" / "bin" / name] + ([Path(on_path)] if on_path else [])


def find(name: str) -> Path:
    """The binary `name`, checked (once per binary) to be at least the minimum version."""
    binary = next((c for c in _candidates(name) if c.is_file() and os.access(c, os.X_OK)), None)
    if binary is None:
        raise ToolError(f"{name} is not installed: {INSTALL_HINT}")
    if binary in _checked:
        return binary
    flag = "-version" if name == "vmalert" else "--version"
    try:
        found = subprocess.run([str(binary), flag], capture_output=True, text=True, timeout=30)
    except OSError as error:
        raise ToolError(f"{binary} cannot be run ({error.strerror}): {INSTALL_HINT}") from None
    stamp = binary.with_name(f"{name}.version")
    stated = found.stdout + found.stderr + (stamp.read_text() if stamp.is_file() else "")
    version = _VERSION.get(name, _DEFAULT_VERSION).search(stated)
    if found.returncode != 0 or version is None:
        raise ToolError(f"{binary} {flag} failed or stated no version (exit {found.returncode}): {INSTALL_HINT}")
    have = (int(version.group(1)), int(version.group(2)))
    if have < MINIMUM[name]:
        need = ".".join(map(str, MINIMUM[name]))
        raise ToolError(f"{binary} is version {have[0]}.{have[1]}, futuramon needs {need} or newer: {INSTALL_HINT}")
    _checked.add(binary)
    return binary


def run(name: str, *args: str, cwd: Path | None = None, timeout: float = 120, tmpdir: Path | None = None) -> Result:
    """Run a tool (with `tmpdir` as its TMPDIR); a crash or hang is a ToolError, a non-zero exit is returned for
    the caller to judge."""
    binary = find(name)
    env = None if tmpdir is None else {**os.environ, "TMPDIR": str(tmpdir)}
    try:
        done = subprocess.run([str(binary), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise ToolError(f"{name} {' '.join(args[:2])} did not finish in {timeout:.0f}s") from None
    except OSError as error:
        raise ToolError(f"{binary} cannot be run ({error.strerror})") from None
    if done.returncode < 0:
        raise ToolError(f"{name} crashed (signal {-done.returncode}): {done.stderr.strip()[-500:]}")
    return Result(done.returncode, (done.stdout + done.stderr).strip())


@contextlib.contextmanager
def memory_folder() -> Iterator[Path | None]:
    """A temporary folder in memory (/dev/shm) for the throwaway files a tool syncs to disk: `promtool test rules`
    opens a TSDB per test group, and on a disk its fsyncs take most of its time. None where there is none."""
    if not (MEMORY.is_dir() and os.access(MEMORY, os.W_OK)):
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="futuramon-", dir=MEMORY) as folder:
        yield Path(folder)


def route(config: Path, labels: dict[str, str], expected: tuple[str, ...] = ()) -> Result:
    """`amtool config routes test`: the receivers a label set reaches (first line of the output),
    and with `expected` a non-zero exit when they differ."""
    verify = [f"--verify.receivers={','.join(expected)}"] if expected else []
    return run("amtool", "config", "routes", "test", f"--config.file={config.name}", *verify,
               *[f"{k}={v}" for k, v in labels.items()], cwd=config.parent)  # fmt: skip


def cores(sharing: int = 1) -> int:
    """The cores for the tool processes of one of `sharing` jobs that run at once (at least one)."""
    return max(1, (os.cpu_count() or 1) // sharing)


def each(call: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """`call` for every item, as many at once as there are cores (tool calls wait on processes, not on Python)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(call, items))


def batches(items: Sequence[Item], count: int) -> list[list[Item]]:
    """`items` in order, in at most `count` runs of nearly equal length."""
    size = -(-len(items) // max(count, 1)) or 1
    return [list(items[start : start + size]) for start in range(0, len(items), size)]
