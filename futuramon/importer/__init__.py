"""`futuramon import`: existing rule files, an alertmanager.yml and Grafana dashboard JSON → spec modules.

The modules are proven before they are written: the new folder must load as specs. Nothing is dropped
silently: what futuramon cannot express is a comment in the module, with the original text.
"""

from __future__ import annotations

import json
import keyword
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from futuramon.errors import SpecError
from futuramon.importer import alertmanager, grafana, rules
from futuramon.importer.source import Call, Code, as_call, assignment, comment, literal
from futuramon.loader import load
from futuramon.model import Alert, Settings

MODULES = ("settings.py", "rules.py", "routing.py", "dashboards.py")
PLACEHOLDER_ROUTING = """\
# No alertmanager.yml was imported: one receiver to fill in (a generic webhook whose URL is the key
# `alertmanager-webhook-url` of the Secret), which every alert reaches.
RECEIVERS = [Receiver(name="default", webhook=(Webhook(url_file="alertmanager-webhook-url"),))]
ROUTING = Routing(receiver="default", group_by=("alertname",), group_wait="30s", group_interval="5m",
                  repeat_interval="4h")
"""


def import_files(files: list[Path], folder: Path, namespace: str) -> list[Path]:
    """Write spec modules for `files` into `folder` (which must not hold them yet); the paths written."""
    existing = [name for name in MODULES if (folder / name).exists()]
    if existing:
        raise SpecError(f"{folder} already holds {', '.join(existing)}: import into a new folder (nothing written)")
    documents = {file: _read(file) for file in files}
    dashboards = [(f, d) for f, docs in documents.items() for d in docs if isinstance(d, dict) and "panels" in d]
    configs = [(f, d) for f, docs in documents.items() for d in docs if isinstance(d, dict) and "route" in d]
    rule_files = [(f, d) for f, docs in documents.items() for d in docs if (f, d) not in dashboards + configs]
    if len(configs) > 1:
        raise SpecError("more than one alertmanager.yml given: futuramon's specs declare one routing")
    panels = rules.Panels({(d["uid"], pid): (d["title"], *t) for _, d in dashboards
                           for pid, t in grafana.panel_titles(d).items()})  # fmt: skip
    found, recorded = rules.Found(), set[str]()
    groups = [rules.import_group(raw, panels, found, recorded) for f, doc in rule_files for raw in _groups(f, doc)]
    modules = {
        "settings.py": "",
        "rules.py": _rules_module(groups, [f for f, _ in rule_files]) if groups else "",
        "routing.py": _routing_module(configs[0]) if configs else _PLACEHOLDER_MODULE,
        "dashboards.py": _dashboards_module(dashboards, groups) if dashboards else "",
    }
    secret_dir = alertmanager.import_config(configs[0][1]).secret_dir if configs else None
    modules["settings.py"] = _settings_module(found, namespace, secret_dir)
    return _write({name: text for name, text in modules.items() if text}, folder)


_PLACEHOLDER_MODULE = (
    '"""Who hears about what: a placeholder, as no alertmanager.yml was imported."""\n\n'
    "from futuramon.dsl import Receiver, Routing, Webhook\n\n" + PLACEHOLDER_ROUTING
)


def _read(file: Path) -> list[Any]:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(f"cannot read {file}: {error.strerror}") from None
    try:
        if file.suffix == ".json":
            return [json.loads(text)]
        return [d for d in yaml.safe_load_all(text) if d is not None]
    except (ValueError, yaml.YAMLError) as error:
        raise SpecError(f"{file}: neither YAML nor JSON futuramon can read: {error}") from None


def _groups(file: Path, document: Any) -> list[dict[str, Any]]:
    try:
        return rules.rule_groups(document)
    except SpecError as error:
        raise SpecError(
            f"{file}: {error.message}; futuramon imports rule files, alertmanager.yml and dashboard JSON"
        ) from None


def _identifier(name: str, taken: set[str]) -> str:
    base = re.sub(r"\W+", "_", name).strip("_") or "rule"
    base = f"_{base}" if base[0].isdigit() else base
    candidate = base if not keyword.iskeyword(base) else f"{base}_"
    index = 2
    while candidate in taken:
        candidate, index = f"{base}_{index}", index + 1
    taken.add(candidate)
    return candidate


def _header(doc: str, names: list[str]) -> str:
    return f'"""{doc}"""\n\nfrom futuramon.dsl import {", ".join(sorted(set(names)))}\n\n'


def _rules_module(groups: list[rules.ImportedGroup], files: list[Path]) -> str:
    book = rules.PLACEHOLDER
    steps = [Call("step", [c.say]) for c in book.investigation]
    with_alerts = any(imported.group.alerts for imported in groups)
    body = [assignment("TODO_RUNBOOK", Call("runbook", [book.symptom, steps, list(book.resolution)]))] * with_alerts
    taken = {"TODO_RUNBOOK"}
    names = {"RuleGroup"} | ({"runbook", "step"} if with_alerts else set())
    for imported in groups:
        group = imported.group
        alert_names = []
        for alert in group.alerts:
            call = as_call(alert)
            call.kwargs["runbook"] = Code("TODO_RUNBOOK")
            name = _identifier(alert.name, taken)
            alert_names.append(Code(name))
            body.append(assignment(name, call))
            names.add("alert")
        for name, why in imported.why_verbatim.items():
            body.append(comment(f"{name} is kept as a VerbatimRule: {why}."))
        call = as_call(group)
        if group.alerts:
            call.kwargs["alerts"] = tuple(alert_names)
        names |= {"Recording"} if group.recordings else set()
        names |= {"VerbatimRule"} if group.verbatim else set()
        body.append(assignment(_identifier(f"GROUP_{group.name}".upper(), taken), call))
    doc = (f"Rule groups imported by `futuramon import` from {', '.join(f.name for f in files)}.\n\n"
           "Every alert needs a runbook: each starts from TODO_RUNBOOK, and has no test cases yet.")  # fmt: skip
    return _header(doc, sorted(names)) + "\n\n".join(body)


def _routing_module(source: tuple[Path, Any]) -> str:
    imported = alertmanager.import_config(source[1])
    names = {"Receiver", "Routing"} | {type(i).__name__ for r in imported.receivers for i in r.integrations}
    text = literal(imported.routing)
    names |= {n for n in ("Inhibit", "TimeInterval", "TimePeriod") if f"{n}(" in text}
    names |= {"route"} if "route(" in text else set()
    body = [comment(note) for note in imported.left_out]
    body += [assignment("RECEIVERS", imported.receivers), assignment("ROUTING", imported.routing)]
    doc = f"Receivers and routing imported by `futuramon import` from {source[0].name}."
    return _header(doc, sorted(names)) + "\n".join(body)


def _dashboards_module(dashboards: list[tuple[Path, Any]], groups: list[rules.ImportedGroup]) -> str:
    alerts = [a for g in groups for a in g.group.alerts]
    taken: set[str] = set()
    names: set[str] = {"Dashboard", "Panel"}
    body = []
    for _, document in dashboards:
        made = grafana.import_dashboard(document, _thresholds_from(document, alerts))
        body += [comment(note) for note in made.left_out]
        text = literal(made.dashboard)
        names |= {n for n in ("Query", "Row", "Variable", "Annotation", "Link", "Grid") if f"{n}(" in text}
        body.append(assignment(_identifier(made.dashboard.uid.upper(), taken), made.dashboard))
    doc = f"Dashboards imported by `futuramon import` from {', '.join(f.name for f, _ in dashboards)}."
    return _header(doc, sorted(names)) + "\n".join(body)


def _thresholds_from(document: dict[str, Any], alerts: list[Alert]) -> dict[str, str]:
    """Panel title → the alert whose threshold the panel draws: one it plots the signal of, whose threshold is a
    step of the panel's thresholds."""
    found = {}
    for panel in grafana.all_panels(document):
        steps = {s.get("value") for s in panel.get("fieldConfig", {}).get("defaults", {}).get("thresholds", {})
                 .get("steps", [])}  # fmt: skip
        exprs = [t.get("expr") for t in panel.get("targets", [])]
        for alert in alerts:
            if alert.panel == panel.get("title") and alert.signal in exprs and alert.threshold in steps:
                found[panel["title"]] = alert.name
                break
    return found


def _settings_module(found: rules.Found, namespace: str, secret_dir: str | None) -> str:
    fields: dict[str, Any] = {
        "namespace": namespace,
        "runbook_base_url": _one(found.runbook_base, "https://runbooks.example.com"),
        "grafana_url": _one(found.grafana, "https://grafana.example.com"),
        "severities": tuple(found.severities or ("critical", "warning")),
        "categories": tuple(found.categories or ("platform",)),
    }
    if secret_dir:
        fields["secret_dir"] = secret_dir
    settings = Settings(**fields)
    doc = "House conventions, imported by `futuramon import`: check the namespace and the URLs (example.com: TODO)."
    return _header(doc, ["Settings"]) + assignment("SETTINGS", settings)


def _one(values: set[str], fallback: str) -> str:
    return sorted(values)[0] if len(values) == 1 else fallback


def _write(modules: dict[str, str], folder: Path) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="futuramon-import-") as scratch:
        trial = Path(scratch) / "specs"
        trial.mkdir()
        for name, text in modules.items():
            (trial / name).write_text(text, encoding="utf-8")
        try:
            load(trial)
        except SpecError as error:
            raise SpecError(f"the imported specs do not load (a bug in futuramon import): {error}") from None
        folder.mkdir(parents=True, exist_ok=True)
        for name in modules:
            shutil.copyfile(trial / name, folder / name)
    return [folder / name for name in modules]
