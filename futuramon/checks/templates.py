"""Go templates: alert annotations (parsed by promtool) and the Alertmanager message templates
and receiver fields (rendered by `amtool template render`). `amtool check-config` sees neither."""

from __future__ import annotations

import re
from collections.abc import Iterator

from futuramon import tools
from futuramon.checks import targets
from futuramon.checks.base import Check, Context, Finding
from futuramon.render import alertmanager, outputs
from futuramon.render.text import alert_annotations
from futuramon.render.yamltext import to_yaml

_RULE = re.compile(r'rule (\d+), "([^"]+)": (.*)')


def annotation_templates(ctx: Context) -> Iterator[Finding]:
    """promtool parses every annotation of every alert as a Go template when it checks a rule file: its
    findings on the rules the target loads (targets.rules_checked) name the broken ones. Only when promtool
    read no rule of them (a file that is no rule file at all) are the annotations checked on their own."""
    results = list(targets.rules_checked(ctx).values())
    if any(result.code != 0 for result in results) and not any(_RULE.search(r.output) for r in results):
        yield from _annotations_alone(ctx)
        return
    for result in results:
        for broken in _RULE.finditer(result.output):
            if broken.group(3).startswith("annotation "):
                alert = ctx.stack.alert(broken.group(2))
                yield Finding(ctx.where(alert), f"alert {alert.name}: broken Go template in {broken.group(3)}")


def _annotations_alone(ctx: Context) -> Iterator[Finding]:
    stack = ctx.stack
    rules = {
        "groups": [
            {
                "name": "annotations",
                "rules": [
                    {"alert": alert.name, "expr": "vector(1)", "annotations": alert_annotations(stack, alert)}
                    for alert in stack.alerts
                ],
            }
        ]
    }
    (ctx.workdir / "annotations.yaml").write_text(to_yaml(rules))
    result = tools.run("promtool", "check", "rules", "annotations.yaml", cwd=ctx.workdir)
    found = list(_RULE.finditer(result.output))
    for broken in found:
        alert = stack.alert(broken.group(2))
        yield Finding(ctx.where(alert), f"alert {alert.name}: broken Go template in {broken.group(3)}")
    if result.code != 0 and not found:
        yield Finding(ctx.where(stack.alerts[0]), f"promtool rejected the annotations:\n{result.output}")


def message_templates(ctx: Context) -> Iterator[Finding]:
    config = alertmanager.config(ctx.stack)
    fields = sorted(
        {
            text
            for receiver in config["receivers"]
            for kind in receiver
            if kind.endswith("_configs")
            for settings in receiver.get(kind, [])
            for key, text in settings.items()
            if isinstance(text, str) and "{{" in text
        }
    )
    results = tools.each(lambda text: tools.run("amtool", "template", "render", f"--template.glob={outputs.TEMPLATES}",
                                                f"--template.text={text}", cwd=ctx.workdir), fields)  # fmt: skip
    for text, result in zip(fields, results, strict=True):
        if result.code != 0:
            yield Finding((f"templates/alertmanager/{alertmanager.TEMPLATE_FILE}", 0),
                          f"message template {text!r} does not render: {result.output.splitlines()[-1]}")  # fmt: skip


CHECKS = [
    Check("annotation-templates", "error", "every alert annotation is a valid Go template", annotation_templates, True),
    Check("message-templates", "error", "every receiver message template renders in amtool", message_templates, True),
]
