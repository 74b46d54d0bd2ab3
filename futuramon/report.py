"""Reporters: problems as text for people, JSON for scripts, annotations for GitHub Actions."""

from __future__ import annotations

import json
from dataclasses import asdict

from futuramon.checks import Problem
from futuramon.errors import FuturamonError, SpecError, redact

JSON_SCHEMA_VERSION = 1


def summary(problems: list[Problem], checks: int) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    notes = len(problems) - errors - warnings
    verdict = "FAILED" if errors else "ok"
    return f"{verdict}: {checks} checks, {errors} errors, {warnings} warnings" + (f", {notes} info" if notes else "")


def text(problems: list[Problem], checks: int) -> str:
    lines = [f"{p.path}:{max(p.line, 1)}: {p.severity}: {p.message} ({p.check})" for p in problems]
    return redact("\n".join([*lines, summary(problems, checks)])) + "\n"


def as_json(problems: list[Problem], checks: int) -> str:
    document = {
        "version": JSON_SCHEMA_VERSION,
        "ok": not any(p.severity == "error" for p in problems),
        "checks": checks,
        "problems": [asdict(p) for p in problems],
    }
    return redact(json.dumps(document, indent=2)) + "\n"


GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def github(problems: list[Problem], checks: int) -> str:
    def escape(value: str) -> str:
        return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def where(p: Problem) -> str:
        return f"file={p.path},line={max(p.line, 1)}," if p.path else ""

    lines = [f"::{GITHUB_LEVEL[p.severity]} {where(p)}title={p.check}::{escape(p.message)}" for p in problems]
    return redact("\n".join([*lines, summary(problems, checks)])) + "\n"


def failure(error: FuturamonError, output_format: str) -> str:
    """An error that stopped the run before any check (a bad spec, a missing tool), as one problem in the
    chosen format: a CI gate shows it at the spec's file and line."""
    if isinstance(error, SpecError):
        message = ": ".join(p for p in (error.place.what(), error.message) if p)
        problem = Problem(error.place.path(), error.place.line or 0, "error", message, "spec")
    else:
        problem = Problem("", 0, "error", str(error), "futuramon")
    return REPORTERS[output_format]([problem], 0)


REPORTERS = {"text": text, "json": as_json, "github": github}
