"""The scale benchmark: `python -m bench.run` (from the repository root, with the project's .venv).

For N services x the 15 FuturaTickets alerts (bench/scale.py) it times whole processes, side by side:
`futuramon render`, `render --check`, `validate`, `list alerts`, and two yardsticks run on the same
rules: a go-jsonnet anchor (PyPI `gojsonnet` rendering the same rules from a jsonnet mixin) and
`promtool check rules` of the rendered rules file. Then start-up against the import floor of
futuramon's own dependencies, and the shipped stack's `validate` against its slowest single tool call.

Figures are ratios to those yardsticks, so that they compare across machines. `--save` writes them to
bench/results.json; every run compares its N=100 ratios with the saved ones and flags a change of more
than 25%. It reports; it never fails on speed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.scale import generate

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
RESULTS = Path(__file__).resolve().parent / "results.json"
ALERTS_PER_SERVICE = 15
FLAG_CHANGE = 0.25
STARTUP_ROUNDS = 8  # per --repeat: start-ups are short, and many rounds steady their median
FLOOR_IMPORTS = "import typer, pydantic, yaml, jinja2, jsonschema"
# go-jsonnet evaluates the mixin and writes the rule file as JSON (which Prometheus reads as YAML), as
# `jsonnet -o` does: manifesting YAML in jsonnet itself (std.manifestYamlDoc) is quadratic in its length.
ANCHOR = "import _gojsonnet, sys; open(sys.argv[2], 'w').write(_gojsonnet.evaluate_file(sys.argv[1]))"


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    cpu: float  # user + system seconds of the process and the tools it ran (steadier on a busy machine)
    peak_mib: float
    code: int


def measure(command: list[str], repeat: int = 1, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """The fastest of `repeat` runs of a whole process, with its peak resident memory."""
    best: Run | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if process.stderr is not None:
            error = process.stderr.read().decode(errors="replace")
            process.stderr.close()
            if code not in (0, 1):
                raise SystemExit(f"{' '.join(command)} exited {code}:\n{error[-2000:]}")
        run = Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)
        best = run if best is None or run.seconds < best.seconds else best
    assert best is not None
    return best


def futuramon(*args: str) -> list[str]:
    return [sys.executable, "-m", "futuramon", *args]


def promtool() -> str:
    from futuramon import tools

    return str(tools.find("promtool"))


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def largest_object(folder: Path) -> int:
    """The largest file under a k8s/ folder: one Kubernetes object each (Kubernetes refuses > 1 MiB)."""
    return max((p.stat().st_size for p in folder.rglob("k8s/**/*.yaml") if p.is_file()), default=0)


def rules_file(out: Path) -> Path:
    return min(out.rglob("prometheus/alert-rules.yaml"), key=lambda p: len(p.parts))


def scale(services: int, work: Path, repeat: int, with_tests: bool) -> dict[str, float]:
    """Every measurement at one size."""
    specs = generate(SPECS, work / f"specs-{services}", services, tests=False)
    out = work / f"out-{services}"
    shutil.rmtree(out, ignore_errors=True)
    measure(futuramon("render", "--specs", str(specs), "--out", str(out)))  # warm the file system and caches
    render = measure(futuramon("render", "--specs", str(specs), "--out", str(out)), repeat)
    check = measure(futuramon("render", "--check", "--specs", str(specs), "--out", str(out)), repeat)
    listing = measure(futuramon("list", "alerts", "--specs", str(specs)), repeat)
    validate = measure(futuramon("validate", "--specs", str(specs), "--out", str(out)), 1)
    anchor_out = work / f"anchor-{services}.yaml"
    anchor = measure([sys.executable, "-c", ANCHOR, str(specs / "mixin.jsonnet"), str(anchor_out)], repeat)
    check_rules = measure([promtool(), "check", "rules", str(rules_file(out))], repeat)
    figures = {
        "rules": services * ALERTS_PER_SERVICE,
        "render_s": render.seconds,
        "render_cpu": render.cpu,
        "render_mib": render.peak_mib,
        "check_s": check.seconds,
        "list_s": listing.seconds,
        "validate_s": validate.seconds,
        "validate_ok": float(validate.code == 0),
        "anchor_s": anchor.seconds,
        "anchor_cpu": anchor.cpu,
        "anchor_mib": anchor.peak_mib,
        "promtool_check_s": check_rules.seconds,
        "out_mib": folder_bytes(out) / 2**20,
        "largest_object_kib": largest_object(out) / 1024,
    }
    if with_tests:
        tested = generate(SPECS, work / f"specs-{services}-tests", services, tests=True)
        tested_out = work / f"out-{services}-tests"
        measure(futuramon("render", "--specs", str(tested), "--out", str(tested_out)))
        run = measure(futuramon("validate", "--specs", str(tested), "--out", str(tested_out)), 1)
        figures["validate_tests_s"] = run.seconds
        figures["validate_tests_ok"] = float(run.code == 0)
    return figures


def startup(work: Path, repeat: int) -> dict[str, float]:
    """The FuturaTickets stack: start-up against the import floor, validate against its slowest tool call.

    The floor and the commands are timed in turns, round after round, so that a slow spell of a shared machine
    slows them alike instead of one block of runs: each command's ratio is the median over the rounds of its
    time over the floor's in the same round (one lucky run of the floor cannot move it, as it moves the ratio
    of the fastest runs), and its time the fastest. futuramon and the specs are byte-compiled first, as pip
    compiled the floor's packages: with PYTHONDONTWRITEBYTECODE set (or an editable install never run before),
    Python would otherwise compile futuramon's source on every start, which a user pays once."""
    for folder in (ROOT / "futuramon", SPECS):
        compileall.compile_dir(folder, quiet=1)
    out = work / "out-futuratickets"
    shutil.rmtree(out, ignore_errors=True)
    measure(futuramon("render", "--specs", str(SPECS), "--out", str(out)))
    commands = {
        "floor_s": [sys.executable, "-c", FLOOR_IMPORTS],
        "render_s": futuramon("render", "--specs", str(SPECS), "--out", str(out)),
        "help_s": futuramon("--help"),
        "list_s": futuramon("list", "alerts", "--specs", str(SPECS)),
        "list_environments_s": futuramon("list", "environments", "--specs", str(SPECS)),
    }
    rounds = [{key: measure(command).seconds for key, command in commands.items()}
              for _ in range(STARTUP_ROUNDS * repeat)]  # fmt: skip
    best = {key: min(timed[key] for timed in rounds) for key in commands}
    paired = {key.replace("_s", "_ratio"): statistics.median(timed[key] / timed["floor_s"] for timed in rounds)
              for key in commands if key != "floor_s"}  # fmt: skip
    validate = measure(futuramon("validate", "--specs", str(SPECS), "--out", str(out)), repeat)
    return {**best, **paired, "validate_s": validate.seconds, **slowest_tool_call(work, repeat)}


def slowest_tool_call(work: Path, repeat: int) -> dict[str, float]:
    """validate's slowest tool call on the shipped stack, timed alone and made as validate makes it: the alert
    tests of an environment, bundled, in one promtool process per core of those it shares with the other
    environments (TMPDIR in memory). And the yardstick of the issue, from before the bundling: the slowest
    `promtool test rules` of one alert's suite."""
    from futuramon import tools
    from futuramon.checks.behaviour import bundled
    from futuramon.loader import load
    from futuramon.render.yamltext import to_yaml

    slowest = one = 0.0
    stacks = load(SPECS)
    for index, stack in enumerate(stacks):
        folder = work / f"suites-{index}"
        batches = bundled(stack, folder, tools.cores(len(stacks)))
        with tools.memory_folder() as tmpdir:
            env = {**os.environ, "TMPDIR": str(tmpdir)} if tmpdir else None
            for batch in batches:
                files = [bundle.tests_file for bundle in batch]
                slowest = max(slowest, measure([promtool(), "test", "rules", *files], repeat, folder, env).seconds)
        for bundle in (bundle for batch in batches for bundle in batch):
            for suite in bundle.suites:
                (folder / suite.tests_file).write_text(to_yaml(suite.tests))
                one = max(one, measure([promtool(), "test", "rules", suite.tests_file], repeat, cwd=folder).seconds)
    return {"slowest_tool_s": slowest, "one_suite_s": one}


def ratios(sizes: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per size: each command's time as a multiple of the go-jsonnet anchor (validate: of promtool check rules)."""
    return {
        n: {
            "render": f["render_s"] / f["anchor_s"],
            "render_cpu": f["render_cpu"] / f["anchor_cpu"],
            "check": f["check_s"] / f["anchor_s"],
            "list": f["list_s"] / f["anchor_s"],
            "validate": f["validate_s"] / f["promtool_check_s"],
            "memory": f["render_mib"] / f["anchor_mib"],
        }
        for n, f in sizes.items()
    }


def table(sizes: dict[str, dict[str, float]], start: dict[str, float] | None) -> str:
    rows = [
        "| N services (rules) | render | render --check | list alerts | validate | go-jsonnet anchor "
        "| render / anchor (CPU time) | validate / promtool check rules | render peak memory (anchor) | out/ "
        "| largest object | render ms per rule (marginal) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    previous: tuple[float, float] | None = None
    for n, f in sizes.items():
        r = ratios({n: f})[n]
        tested = (
            f"; with tests {f['validate_tests_s']:.1f} s{'' if f['validate_tests_ok'] else ' (FAILED)'}"
            if "validate_tests_s" in f
            else ""
        )
        marginal = "-"
        if previous is not None and f["rules"] > previous[0]:
            marginal = f"{1000 * (f['render_s'] - previous[1]) / (f['rules'] - previous[0]):.2f}"
        previous = (f["rules"], f["render_s"])
        rows.append(
            f"| {n} ({f['rules']:,.0f}) | {f['render_s']:.2f} s | {f['check_s']:.2f} s | {f['list_s']:.2f} s "
            f"| {f['validate_s']:.2f} s{'' if f['validate_ok'] else ' (FAILED)'}{tested} "
            f"| {f['anchor_s']:.2f} s | **{r['render']:.2f}x** ({r['render_cpu']:.2f}x) | {r['validate']:.1f}x "
            f"| {f['render_mib']:.0f} MiB ({f['anchor_mib']:.0f} MiB) | {f['out_mib']:.1f} MiB "
            f"| {f['largest_object_kib']:.0f} KiB | {1000 * f['render_s'] / f['rules']:.2f} ({marginal}) |"
        )
    if start:
        floor = start["floor_s"]
        rows += [
            "",
            "| FuturaTickets stack | time | ratio |",
            "| --- | --- | --- |",
            f'| import floor (`python -c "{FLOOR_IMPORTS}"`) | {floor:.3f} s | 1.0x |',
            *(
                f"| `futuramon {command}` | {start[f'{key}_s']:.3f} s | {start[f'{key}_ratio']:.2f}x the floor "
                f"(fastest over fastest: {start[f'{key}_s'] / floor:.2f}x) |"
                for command, key in (
                    ("render", "render"),
                    ("--help", "help"),
                    ("list alerts", "list"),
                    ("list environments", "list_environments"),
                )
            ),
            f"| `futuramon validate` | {start['validate_s']:.3f} s | "
            f"{start['validate_s'] / start['slowest_tool_s']:.1f}x its slowest tool call "
            f"({start['slowest_tool_s']:.3f} s: the bundled `promtool test rules` of an environment's alerts); "
            f"{start['validate_s'] / start['one_suite_s']:.1f}x one alert's `promtool test rules` "
            f"({start['one_suite_s']:.3f} s) |",
        ]
    return "\n".join(rows)


def compare(now: dict[str, dict[str, float]], saved: dict[str, dict[str, float]], at: str = "100") -> list[str]:
    """Each ratio at N=`at` that moved by more than 25% since the saved run."""
    if at not in now or at not in saved:
        return []
    before, after = ratios({at: saved[at]})[at], ratios({at: now[at]})[at]
    return [
        f"{name} at N={at}: {before[name]:.2f}x → {after[name]:.2f}x ({after[name] / before[name] - 1:+.0%})"
        for name in after
        if abs(after[name] / before[name] - 1) > FLAG_CHANGE
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000", help="numbers of services, comma separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (the fastest counts)")
    parser.add_argument("--tests-up-to", type=int, default=100, help="also validate with test cases up to this N")
    parser.add_argument("--no-startup", action="store_true", help="skip the FuturaTickets start-up figures")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the saved figures to compare with")
    parser.add_argument("--save", action="store_true", help="write this run's figures to --results")
    parser.add_argument("--work", type=Path, help="folder for the generated specs and outputs (default: temporary)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="futuramon-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        sizes = {}
        for n in (int(s) for s in args.sizes.split(",")):
            repeat = args.repeat if n < 1000 else 1
            sizes[str(n)] = scale(n, work, repeat, with_tests=n <= args.tests_up_to)
            print(f"N={n} done", file=sys.stderr)
        start = None if args.no_startup else startup(work, max(args.repeat, 3))
        print(table(sizes, start))
        saved = json.loads(args.results.read_text())["sizes"] if args.results.is_file() else {}
        changes = compare(sizes, saved)
        print()
        print("\n".join(f"CHANGED: {line}" for line in changes) if changes else
              f"no ratio at N=100 moved by more than {FLAG_CHANGE:.0%} since {args.results.name}"
              if "100" in saved and "100" in sizes else "no saved N=100 figures to compare with")  # fmt: skip
        if args.save:
            args.results.write_text(json.dumps({"sizes": sizes, "startup": start}, indent=2, sort_keys=True) + "\n")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
