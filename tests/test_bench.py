"""The scale benchmark's harness runs (at N=2, quickly) and flags what moved; its timings are not asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from bench.run import compare

from .conftest import ROOT


def test_bench_runs_at_two_services(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--sizes", "2", "--repeat", "1", "--no-startup",
         "--work", str(tmp_path / "work"), "--results", str(results), "--save"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("| 2 (30)"))
    assert "FAILED" not in row  # validate passed, with and without the test cases
    saved = json.loads(results.read_text())["sizes"]["2"]
    assert saved["rules"] == 30 and saved["validate_ok"] == 1.0 and saved["validate_tests_ok"] == 1.0
    rules = tmp_path / "work" / "out-2" / "prometheus" / "alert-rules.yaml"  # one environment: out/ itself
    groups = yaml.safe_load(rules.read_text())["groups"]
    # one group per service, each with the 15 alerts reading its own series
    assert [(g["name"], len(g["rules"])) for g in groups] == [("svc0000", 15), ("svc0001", 15)]
    assert all('service="svc0001"' in r["expr"] and "svc0000" not in r["expr"] for r in groups[1]["rules"])


def _figures(render: float) -> dict[str, float]:
    return {"render_s": render, "render_cpu": 1.0, "anchor_cpu": 1.0, "check_s": 1.0, "list_s": 1.0,
            "validate_s": 2.0, "promtool_check_s": 1.0, "render_mib": 100.0, "anchor_s": 1.0,
            "anchor_mib": 100.0}  # fmt: skip


def test_compare_flags_a_change_over_a_quarter_at_100() -> None:
    saved = {"100": _figures(render=2.0)}
    assert compare({"100": _figures(render=2.4)}, saved) == []
    assert compare({"100": _figures(render=2.6)}, saved) == ["render at N=100: 2.00x → 2.60x (+30%)"]
    assert compare({"100": _figures(render=1.4)}, saved) == ["render at N=100: 2.00x → 1.40x (-30%)"]
