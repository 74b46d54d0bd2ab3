"""The command line, parsed by typer: it only wires options to what each command does (`commands.run` maps
errors to exit codes).

No `from __future__ import annotations` here: typer reads every command's signature on each start, and
evaluating string annotations costs it several milliseconds."""

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from futuramon import __version__, commands
from futuramon.commands import Format, Listing, echo, run, state
from futuramon.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, SpecError

# Each command imports what only it needs inside its action (so Ctrl-C there is handled like any other),
# so that `--help`, `list` and `render` start fast; `render` and `list` themselves live in `commands`.

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

SpecsOption = Annotated[Path, typer.Option("--specs", "-s", help="Folder of spec modules.")]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Folder the manifests are written to.")]
EnvOption = Annotated[
    str | None, typer.Option("--env", "-e", help="Only this environment (`futuramon list environments`).")
]


def _version(value: bool) -> None:
    if value:
        echo(f"futuramon {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks, for bug reports.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    state["debug"] = debug


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
    commands.render(specs, out, check, output_format, env)


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
            echo(json.dumps([{"environment": name, **r.as_dict()} for name, found in runs for r in found],
                            indent=2))  # fmt: skip
        else:
            echo("\n\n".join(f"[{name}] {r.text()}" if several else r.text() for name, found in runs
                              for r in found))  # fmt: skip
            echo(f"\n{sum(r.ok for r in results)} of {len(results)} alerts fired and were delivered as routed")
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
            echo(json.dumps(result.as_dict(), indent=2))
        else:
            sys.stdout.write(result.text())
        if plot is not None:
            from futuramon.live import plot as drawing

            drawing.draw(source, stack, result, plot)
            echo(f"plotted {len(result.alerts)} alerts into {plot}", err=True)
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
        echo(f"wrote {', '.join(str(p) for p in written)}: review the TODOs and comments, then "
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
        echo(f"{check.name.ljust(width)}  {check.severity:7}  {check.summary}")


@app.command("list")
def list_(
    what: Annotated[Listing, typer.Argument(help="alerts, panels, routes or environments")],
    specs: SpecsOption = Path("specs"),
    env: EnvOption = None,
) -> None:
    """Print the alerts, panels, routes or environments the specs declare, as a table (one per environment)."""
    commands.list_(what, specs, env)


def main() -> None:
    try:
        app()
    except SystemExit as done:
        # typer turns a Ctrl-C that arrives while it parses the command line (before any command ran) into a
        # silent exit 130: say so, as for one during the imports.
        if done.code == EXIT_INTERRUPTED and not state["reported"]:
            echo("interrupted: nothing was changed", err=True)
        raise
