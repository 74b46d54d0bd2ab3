"""The command line: it only wires pieces together and maps errors to exit codes.

No `from __future__ import annotations` here: typer reads every command's signature on each start, and
evaluating string annotations costs it several milliseconds."""

import json
import os
import select
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from futuramon import __version__
from futuramon.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT_CLOSED,
    FuturamonError,
    Interrupted,
    SpecError,
    redact,
)

if TYPE_CHECKING:
    from futuramon.model import Environment, Stack
    from futuramon.pipeline import Build

# Each command imports what only it needs inside its action (so Ctrl-C there is handled like any other),
# so that `--help`, `list` and `render` start fast.

EXIT_BUG = 70

app = typer.Typer(
    help=(
        "Prometheus alert rules, Alertmanager routing and Grafana dashboards, declared once in "
        "Python (specs/) and rendered to the Kubernetes manifests in out/.\n\n"
        "Exit codes: 0 ok · 1 a check failed or out/ is stale · 2 bad spec, bad usage or a missing tool · "
        "3 out/ cannot be written · 70 a bug in futuramon · 130 interrupted · 141 stdout closed (| head)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
_state = {"debug": False, "reported": False}

SpecsOption = Annotated[Path, typer.Option("--specs", "-s", help="Folder of spec modules.")]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Folder the manifests are written to.")]
EnvOption = Annotated[
    str | None, typer.Option("--env", "-e", help="Only this environment (`futuramon list environments`).")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"futuramon {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks, for bug reports.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    _state["debug"] = debug


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"


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
        if _state["debug"]:
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
            if _state["debug"]:
                traceback.print_exc()
            code = EXIT_BUG
            message = redact(
                f"internal error: {type(error).__name__}: {error}\n"
                "This is a bug in futuramon; rerun with --debug and report the traceback."
            )
    _ignore_interrupts()
    if message:
        typer.echo(message, err=True)
        _state["reported"] = True
    raise typer.Exit(code)


def _stdout_closed() -> bool:
    """Whether standard output is a pipe nobody reads any more (its write end reports an error)."""
    poll = select.poll()
    poll.register(sys.stdout.fileno(), select.POLLOUT)
    return any(events & select.POLLERR for _, events in poll.poll(0))


def _ignore_interrupts() -> None:
    """The command's work is done (or undone) and its outcome known: a late Ctrl-C must not change what is said."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@app.command()
def render(
    specs: SpecsOption = Path("specs"),
    out: OutOption = Path("out"),
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 and print a diff when out/ differs from a fresh render."),
    ] = False,
    output_format: Annotated[
        Format,
        typer.Option("--format", "-f", help="text, json or github: how errors (and --check's stale files) are shown"),
    ] = Format.text,
    env: EnvOption = None,
) -> None:
    """Render the specs into out/ (atomically: all files or none), each environment into out/<environment>/."""

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
                typer.echo(
                    f"warning: {out / name}: futuramon did not write it; it is kept, never rendered over", err=True
                )
            changed = list(writer.changes(files, out))
            sys.stdout.write(writer.diff(files, out))
            for line in _drift_summary(built, out, changed):
                typer.echo(line, err=bool(changed))
            if changed:
                typer.echo(f"{out} is stale: run `futuramon render` and commit the result", err=True)
                return EXIT_FAILED
            return EXIT_OK
        written = writer.write(files, out, specs=specs, final=True)  # then Ctrl-C cannot falsify the report
        counts = f"{len(written.changed)} changed" + (f", {len(written.removed)} removed" if written.removed else "")
        where = ", ".join(str(out / e.root) for e in built.environments)
        typer.echo(f"rendered {len(built.files)} files into {where} ({counts})")
        if written.kept:
            typer.echo(f"kept {_count(written.kept, 'file')} futuramon did not write: {', '.join(written.kept)}")
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


@app.command("validate")
def validate_command(
    specs: SpecsOption = Path("specs"),
    out: OutOption = Path("out"),
    output_format: Annotated[Format, typer.Option("--format", "-f", help="text, json or github")] = Format.text,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only this check (repeatable).")] = None,
    skip: Annotated[list[str] | None, typer.Option("--skip", help="Skip this check (repeatable).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Count warnings as errors.")] = False,
    env: EnvOption = None,
) -> None:
    """Prove the specs: render in memory, run every check (promtool, amtool, tests, schemas, lint, drift).

    Exit 0 when no check reports an error (with --strict: nor a warning), 1 otherwise, 2 for a bad spec or a
    missing tool.
    """

    def action() -> int:
        from futuramon import report
        from futuramon.validate import select, validate

        checks = select(only or [], skip or [])
        problems = validate(specs, out, checks, strict, env)
        sys.stdout.write(report.REPORTERS[output_format.value](problems, len(checks)))
        return EXIT_FAILED if any(p.severity == "error" for p in problems) else EXIT_OK

    run(action, output_format)


@app.command("drill")
def drill_command(
    alerts: Annotated[list[str] | None, typer.Argument(help="Alert names (see `futuramon list alerts`).")] = None,
    all_alerts: Annotated[bool, typer.Option("--all", help="Drill every alert.")] = False,
    specs: SpecsOption = Path("specs"),
    env: EnvOption = None,
    output_format: Annotated[Format, typer.Option("--format", "-f", help="text or json")] = Format.text,
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help=(
                "Go through a real Prometheus too: it scrapes the alert's test series from a synthetic exporter and "
                "evaluates the rules, with time compressed 60x (1 simulated minute per second)."
            ),
        ),
    ] = False,
) -> None:
    """Fire alerts into a real Alertmanager on 127.0.0.1 and show what Slack and Discord would receive.

    Exit 1 when an alert does not reach exactly the receivers its route resolves to, or its resolved
    message does not arrive.
    """

    def action() -> int:
        from futuramon import drill, pipeline

        stacks = pipeline.load(specs, env)
        wanted = list(alerts or [])
        if not wanted and not all_alerts:
            raise SpecError("name an alert to drill, or pass --all")
        declared = {s.environment.name: [a.name for a in s.declared_alerts] for s in stacks}  # a stamped alert once
        for name in wanted:
            if not any(name in names for names in declared.values()):
                raise SpecError(f"no alert named {name!r}; `futuramon list alerts` shows them")
        runs = [
            (s.environment.name, drill.drill(s, [n for n in declared[s.environment.name] if all_alerts or n in wanted],
                                             live=live))
            for s in stacks
            if all_alerts or set(wanted) & set(declared[s.environment.name])
        ]  # fmt: skip
        results = [result for _, found in runs for result in found]
        several = len(stacks) > 1
        if output_format is Format.json:
            typer.echo(json.dumps([{"environment": name, **r.as_dict()} for name, found in runs for r in found],
                                  indent=2))  # fmt: skip
        else:
            typer.echo("\n\n".join(f"[{name}] {r.text()}" if several else r.text() for name, found in runs
                                    for r in found))  # fmt: skip
            typer.echo(f"\n{sum(r.ok for r in results)} of {len(results)} alerts fired and were delivered as routed")
        return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED

    run(action)


PrometheusOption = Annotated[
    str,
    typer.Option(
        "--prometheus", "-p", help="Prometheus-compatible query API (Prometheus, Thanos, Mimir, VictoriaMetrics)."
    ),
]
FromOption = Annotated[str, typer.Option("--from", help="Start: RFC 3339 (2026-11-03T09:00:00Z), now-7d or unix.")]
ToOption = Annotated[str, typer.Option("--to", help="End: RFC 3339, now, now-1d or unix seconds.")]


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


@app.command("backtest")
def backtest_command(
    prometheus: PrometheusOption,
    start: FromOption = "now-7d",
    end: ToOption = "now",
    alerts: Annotated[list[str] | None, typer.Option("--alert", help="Only this alert (repeatable).")] = None,
    specs: SpecsOption = Path("specs"),
    env: EnvOption = None,
    output_format: Annotated[TextOrJson, typer.Option("--format", "-f", help="text or json")] = TextOrJson.text,
    plot: Annotated[Path | None, typer.Option("--plot", help="Also draw each alert's signal into this PNG.")] = None,
) -> None:
    """Evaluate each alert over a range of real history, as Prometheus would (evaluation interval, `for`,
    `keep_firing_for`), and count the notifications the routing would have sent.

    Exit 0 when the backtest ran (whatever it found), 2 when the query API cannot be read.
    """

    def action() -> int:
        from futuramon import pipeline
        from futuramon.live import api, backtest

        stack = pipeline.one(pipeline.load(specs, env))
        source = api.Prometheus(prometheus)
        first, last = api.time_range(start, end)
        chosen = backtest.select(stack, alerts or [])
        result = backtest.backtest(source, stack, chosen, first, last)
        if output_format is TextOrJson.json:
            typer.echo(json.dumps(result.as_dict(), indent=2))
        else:
            sys.stdout.write(result.text())
        if plot is not None:
            from futuramon.live import plot as drawing

            drawing.draw(source, stack, result, plot)
            typer.echo(f"plotted {len(result.alerts)} alerts into {plot}", err=True)
        return EXIT_OK

    run(action)


@app.command("import")
def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Rule files (plain or PrometheusRule), an alertmanager.yml, Grafana dashboard JSON."),
    ],
    to: Annotated[Path, typer.Option("--to", help="New folder for the spec modules.")] = Path("specs"),
    namespace: Annotated[str, typer.Option("--namespace", help="Namespace of the Kubernetes objects.")] = "monitoring",
) -> None:
    """Turn existing rules, Alertmanager config and dashboards into spec modules (nothing is overwritten)."""

    def action() -> int:
        from futuramon.importer import import_files

        written = import_files(files, to, namespace)
        typer.echo(f"wrote {', '.join(str(p) for p in written)}: review the TODOs and comments, then "
                   f"`futuramon render --specs {to}`")  # fmt: skip
        return EXIT_OK

    run(action)


@app.command("tune")
def tune_command(
    alert: Annotated[str, typer.Argument(help="The alert to tune (see `futuramon list alerts`).")],
    prometheus: PrometheusOption,
    target: Annotated[int, typer.Option("--target", "-n", min=0, help="Fire at most this many times over the range.")],
    start: FromOption = "now-30d",
    end: ToOption = "now",
    specs: SpecsOption = Path("specs"),
    env: EnvOption = None,
) -> None:
    """Show the alert's signal over real history (percentiles) and the threshold at which it would have fired
    at most --target times, with the episodes that change; prints the spec line to edit (never edits it).

    Exit 0 when a threshold was found, 1 when none within the signal's values fires that rarely, 2 when the
    query API cannot be read.
    """

    def action() -> int:
        from futuramon import pipeline
        from futuramon.live import api, backtest, tune

        stack = pipeline.one(pipeline.load(specs, env))
        (chosen,) = backtest.select(stack, [alert])
        first, last = api.time_range(start, end)
        result = tune.tune(api.Prometheus(prometheus), stack, specs, chosen, first, last, target)
        sys.stdout.write(result.text())
        return EXIT_OK if result.suggested is not None else EXIT_FAILED

    run(action)


@app.command("verify")
def verify_command(
    prometheus: PrometheusOption,
    specs: SpecsOption = Path("specs"),
    env: EnvOption = None,
    at: Annotated[
        str, typer.Option("--at", help="Look at the series as of this time (RFC 3339, now, now-1d).")
    ] = "now",
    window: Annotated[str, typer.Option("--window", help="How far back from --at a series counts as there.")] = "1h",
    metrics_url: Annotated[
        str | None,
        typer.Option(
            "--metrics-url", help="Also check an application's /metrics (a URL or a file) against the catalog."
        ),
    ] = None,
    output_format: Annotated[Format, typer.Option("--format", "-f", help="text, json or github")] = Format.text,
) -> None:
    """Check the specs against a live Prometheus: metrics with no series (and the likely intended name),
    labels the series do not carry, metric types that contradict the catalog, range windows shorter than
    4 scrape intervals, catalog metrics nothing reads.

    Exit 0 when nothing is an error, 1 otherwise, 2 when the query API cannot be read.
    """

    def action() -> int:
        from futuramon import pipeline, report
        from futuramon.live import api, verify

        stack = pipeline.one(pipeline.load(specs, env))
        seconds = api.parse_duration(window, "--window")
        problems, checks = verify.verify(api.Prometheus(prometheus), stack, specs, api.parse_time(at), seconds,
                                         metrics_url)  # fmt: skip
        sys.stdout.write(report.REPORTERS[output_format.value](problems, checks))
        return EXIT_FAILED if any(p.severity == "error" for p in problems) else EXIT_OK

    run(action)


@app.command("checks")
def checks_command() -> None:
    """List the checks `validate` runs, one line each."""
    from futuramon.checks import REGISTRY

    width = max(len(check.name) for check in REGISTRY)
    for check in REGISTRY:
        typer.echo(f"{check.name.ljust(width)}  {check.severity:7}  {check.summary}")


class Listing(StrEnum):
    alerts = "alerts"
    panels = "panels"
    routes = "routes"
    environments = "environments"


@app.command("list")
def list_(
    what: Annotated[Listing, typer.Argument(help="alerts, panels, routes or environments")],
    specs: SpecsOption = Path("specs"),
    env: EnvOption = None,
) -> None:
    """Print the alerts, panels, routes or environments the specs declare, as a table (one per environment)."""

    def action() -> int:
        from futuramon import pipeline

        stacks = pipeline.load(specs, env)
        if what is Listing.environments:
            typer.echo(_table(_environment_rows(stacks)))
            return EXIT_OK
        tables = [_table(_rows(what, stack)) for stack in stacks]
        if len(stacks) > 1:
            tables = [f"{s.environment.name}:\n{t}" for s, t in zip(stacks, tables, strict=True)]
        typer.echo("\n\n".join(tables))
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
        changed = ", ".join(f"{k} {v}" for k, v in override.model_dump(by_alias=True).items() if v is not None)
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


def main() -> None:
    try:
        app()
    except SystemExit as done:
        # typer turns a Ctrl-C that arrives while it parses the command line (before any command ran) into a
        # silent exit 130: say so, as for one during the imports.
        if done.code == EXIT_INTERRUPTED and not _state["reported"]:
            typer.echo("interrupted: nothing was changed", err=True)
        raise
