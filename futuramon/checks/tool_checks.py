"""Checks that run the real amtool on the rendered files (promtool's are in `targets`, per target)."""

from __future__ import annotations

from collections.abc import Iterator

from futuramon import tools
from futuramon.checks.base import Check, Context, Finding
from futuramon.render import outputs


def amtool_config(ctx: Context) -> Iterator[Finding]:
    result = tools.run("amtool", "check-config", outputs.ALERTMANAGER, cwd=ctx.workdir)
    if result.code != 0:
        yield Finding((ctx.shown(outputs.ALERTMANAGER), 0), f"amtool check-config failed:\n{result.output}")


CHECKS = [
    Check("amtool-check-config", "error", "the rendered config passes `amtool check-config`", amtool_config, True),
]
