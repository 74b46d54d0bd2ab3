"""What `render` and `list` do, and how every command's outcome becomes its exit code, without typer.

`futuramon.cli` parses the command line with typer and calls these. When `futuramon.preload` has read a
`render` or `list` command line for certain, `futuramon.__main__` calls them directly: typer and what it
imports (pydantic TypeAdapters for every option) are then never imported, ≈ 35 ms of every start.
"""

import os
import select
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from futuramon.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT_CLOSED,
    FuturamonError,
    Interrupted,
    redact,
)

if TYPE_CHECKING:
    from futuramon.model import Environment, Stack
    from futuramon.pipeline import Build

EXIT_BUG = 70
state = {"debug": False, "reported": False}  # --debug given; an error message was already printed


def echo(text: str, err: bool = False) -> None:
    """One line on stdout (stderr with `err`), flushed, so that what both streams say keeps its order. A stream
    whose encoding cannot write it (an ASCII locale) gets its UTF-8 bytes; a closed one (`>&-`), nothing."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    line = f"{text}\n"
    try:
        stream.write(line)
    except UnicodeEncodeError:
        stream.flush()
        stream.buffer.write(line.encode("utf-8", "replace"))
    stream.flush()


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"


class Listing(StrEnum):
    alerts = "alerts"
    panels = "panels"
    routes = "routes"
    environments = "environments"


INTERRUPTED = "interrupted: out/ is as it was, started processes are stopped"


def run(action: Callable[[], int], output_format: Format | None = None) -> NoReturn:
    """Run a command: user errors become one clear message and their exit code, never a traceback.

    With a json or github `output_format`, an error that stops the run is also reported in that format on
    stdout, so a CI gate shows it at the spec's file and line."""
    message = ""
    try:
        code = action()
    except Interrupted as error:
        code, message = error.exit_code, str(error)
    except FuturamonError as error:
        if state["debug"]:
            traceback.print_exc()
        code, message = error.exit_code, f"error: {error}"
        if output_format not in (None, Format.text):
            from futuramon import report

            sys.stdout.write(report.failure(error, output_format.value))
    except KeyboardInterrupt:
        code, message = EXIT_INTERRUPTED, INTERRUPTED
    except Exception as error:
        if isinstance(error.__cause__, KeyboardInterrupt):  # Ctrl-C wrapped by Python (a class created in an import)
            code, message = EXIT_INTERRUPTED, INTERRUPTED
        elif isinstance(error, BrokenPipeError) and _stdout_closed():  # `| head` stopped reading: nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's own last flush stays quiet
            code = EXIT_OUTPUT_CLOSED
        else:  # a bug in futuramon: say so, and how to report it
            if state["debug"]:
                traceback.print_exc()
            code = EXIT_BUG
            message = redact(
                f"internal error: {type(error).__name__}: {error}\n"
                "This is a bug in futuramon; rerun with --debug and report the traceback."
            )
    _ignore_interrupts()
    if message:
        echo(message, err=True)
        state["reported"] = True
    raise SystemExit(code)


def _stdout_closed() -> bool:
    """Whether standard output is a pipe nobody reads any more (its write end reports an error)."""
    poll = select.poll()
    poll.register(sys.stdout.fileno(), select.POLLOUT)
    return any(events & select.POLLERR for _, events in poll.poll(0))


def _ignore_interrupts() -> None:
    """The command's work is done (or undone) and its outcome known: a late Ctrl-C must not change what is said."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def render(
    specs: Path = Path("specs"), out: Path = Path("out"), check: bool = False,
    output_format: Format = Format.text, env: str | None = None,
) -> NoReturn:  # fmt: skip
    """`futuramon render` (its options: `futuramon.cli.render`)."""

    def action() -> int:
        from futuramon import pipeline

        built = pipeline.build(specs, env)
        from futuramon import writer  # imported by then, while the specs loaded

        files = pipeline.committed(built, out)
        if check and output_format is not Format.text:
            from futuramon import report
            from futuramon.validate import check_rendered, select

            checks = select(["drift", "foreign-files"], [])
            problems = check_rendered(built, specs, out, checks)
            sys.stdout.write(report.REPORTERS[output_format.value](problems, len(checks)))
            return EXIT_FAILED if any(p.severity == "error" for p in problems) else EXIT_OK
        if check:
            for name in writer.foreign(files, out):
                echo(f"warning: {out / name}: futuramon did not write it; it is kept, never rendered over", err=True)
            changed = list(writer.changes(files, out))
            sys.stdout.write(writer.diff(files, out))
            for line in _drift_summary(built, out, changed):
                echo(line, err=bool(changed))
            if changed:
                echo(f"{out} is stale: run `futuramon render` and commit the result", err=True)
                return EXIT_FAILED
            return EXIT_OK
        written = writer.write(files, out, specs=specs, final=True)  # then Ctrl-C cannot falsify the report
        counts = f"{len(written.changed)} changed" + (f", {len(written.removed)} removed" if written.removed else "")
        where = ", ".join(str(out / e.root) for e in built.environments)
        echo(f"rendered {len(built.files)} files into {where} ({counts})")
        if written.kept:
            echo(f"kept {_count(written.kept, 'file')} futuramon did not write: {', '.join(written.kept)}")
        return EXIT_OK

    run(action, output_format)


def _drift_summary(built: "Build", out: Path, changed: list[str]) -> list[str]:
    """One line per environment: up to date, or how many of its files differ."""
    lines = []
    for environment in built.environments:
        stale = [path for path in changed if path.startswith(environment.root)]
        state = f"stale: {_count(stale, 'file')} to update" if stale else f"up to date ({len(environment.files)} files)"
        lines.append(f"{out / environment.root} is {state}")
    return lines


def list_(what: Listing, specs: Path = Path("specs"), env: str | None = None) -> NoReturn:
    """`futuramon list` (its options: `futuramon.cli.list_`)."""

    def action() -> int:
        from futuramon import pipeline

        stacks = pipeline.load(specs, env)
        if what is Listing.environments:
            echo(_table(_environment_rows(stacks)))
            return EXIT_OK
        tables = [_table(_rows(what, stack)) for stack in stacks]
        if len(stacks) > 1:
            tables = [f"{s.environment.name}:\n{t}" for s, t in zip(stacks, tables, strict=True)]
        echo("\n\n".join(tables))
        return EXIT_OK

    run(action)


def _rows(what: Listing, stack: "Stack") -> Sequence[tuple[str, ...]]:
    from futuramon.render.text import threshold_text

    if what is Listing.alerts:  # each alert once, as declared; a stamped one says how many copies it has
        stamped = any(g.for_each for g in stack.rule_groups)
        return [("ALERT", "SEVERITY", "CATEGORY", "FIRES WHEN", "FOR", "PANEL", *(("COPIES",) * stamped))] + [
            (a.name, a.severity, a.category, f"{a.op} {threshold_text(a)}", a.for_, a.panel,
             *((f"{len(g.for_each)} by {', '.join(g.keys)}" if g.for_each else "1",) * stamped))
            for g in stack.rule_groups
            for a in g.alerts
        ]  # fmt: skip
    if what is Listing.panels:
        return [("DASHBOARD", "ID", "PANEL", "TYPE", "UNIT", "THRESHOLD FROM")] + [
            (d.uid, str(p.id), p.title, p.kind, p.unit, p.thresholds_from or "-")
            for d in stack.dashboards
            for p in d.panels
        ]
    routing = stack.routing
    return (
        [("#", "MATCHERS", "RECEIVER", "REPEAT", "CONTINUE")]
        + [
            (
                number,
                ", ".join(path[-1].matchers),
                routing.receiver_of(path),
                routing.inherited(path, "repeat_interval"),
                str(path[-1].continue_).lower(),
            )
            for number, path in routing.numbered()
        ]
        + [("root", "(anything else)", routing.receiver, routing.repeat_interval, "-")]
    )


def _environment_rows(stacks: "list[Stack]") -> Sequence[tuple[str, ...]]:
    rows = [("ENVIRONMENT", "TARGET", "NAMESPACE", "ALERTS", "RECEIVERS", "OVERRIDES")]
    for stack in stacks:
        environment = stack.environment
        receivers = ", ".join(r.name for r in stack.receivers)
        overrides = "; ".join(_overrides(environment)) or "-"
        rows.append((environment.name, environment.target, stack.settings.namespace, str(len(stack.alerts)),
                     receivers, overrides))  # fmt: skip
    return rows


def _overrides(environment: "Environment") -> list[str]:
    """What an environment changes, in a few words each."""
    said = [f"off: {', '.join(environment.disabled)}"] if environment.disabled else []
    for name, override in environment.overrides.items():
        changed = ", ".join(f"{k} {v}" for k, v in override.changes(by_alias=True).items())
        said.append(f"{name}: {changed}")
    said.extend(f"labels {k}={v}" for k, v in environment.alert_labels.items())
    said.extend(f"dashboard {uid} → {o.uid}" for uid, o in environment.dashboards.items())
    if environment.routing is not None:
        said.append("own routing")
    for field in ("cluster", "runbook_base_url", "grafana_url", "tenant"):
        if getattr(environment, field):
            said.append(f"{field} {getattr(environment, field)}")
    for field in ("rule_labels", "alertmanager_config_labels", "grafana_instance"):
        said.extend(f"{field} {k}={v}" for k, v in getattr(environment, field).items())
    return said


def _count(items: Sequence[object], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def direct(command: str, arguments: dict[str, Any]) -> NoReturn:
    """Run `render` or `list` with the arguments `futuramon.preload` read, converted as typer converts them."""
    if "output_format" in arguments:
        arguments["output_format"] = Format(arguments["output_format"])
    if command == "list":
        list_(**{**arguments, "what": Listing(arguments["what"])})
    render(**arguments)
