"""Checks that run the real promtool and amtool on the rendered files."""

from __future__ import annotations

from collections.abc import Iterator

from futuramon import tools
from futuramon.checks.base import Check, Context, Finding
from futuramon.render import outputs


def promtool_rules(ctx: Context) -> Iterator[Finding]:
    result = tools.run("promtool", "check", "rules", outputs.RULES, cwd=ctx.workdir)
    if result.code != 0:
        yield Finding((f"out/{outputs.RULES}", 0), f"promtool check rules failed:\n{result.output}")


def amtool_config(ctx: Context) -> Iterator[Finding]:
    result = tools.run("amtool", "check-config", outputs.ALERTMANAGER, cwd=ctx.workdir)
    if result.code != 0:
        yield Finding((f"out/{outputs.ALERTMANAGER}", 0), f"amtool check-config failed:\n{result.output}")


CHECKS = [
    Check("promtool-check-rules", "error", "the rendered rules pass `promtool check rules`", promtool_rules, True),
    Check("amtool-check-config", "error", "the rendered config passes `amtool check-config`", amtool_config, True),
]
