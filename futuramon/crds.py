"""Custom resources checked offline against their CRD's `openAPIV3Schema` (the CRDs are in `schemas/`)."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

FOLDER = Path(__file__).parent / "schemas"
# The CRDs' schemas as JSON, read in milliseconds (PyYAML takes 0.2 s over AlertmanagerConfig's 800 KB CRD on every
# validate); `pytest --update-golden` writes it from the CRDs, tests/test_crds.py proves it is theirs.
COMPILED = FOLDER / "compiled.json"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loading that keeps the AlertmanagerConfig CRD's unquoted `=` a string (YAML 1.1 reads a `value` tag)."""


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


@functools.cache
def schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) → the schema every object of that kind must satisfy, from COMPILED."""
    return {(key.split(" ")[0], key.split(" ")[1]): schema for key, schema in json.loads(COMPILED.read_text()).items()}


def compiled() -> dict[str, dict[str, Any]]:
    """The schema of every version of every CRD in the folder, as `kubectl apply` applies it, by "apiVersion
    kind": what COMPILED holds."""
    found = {}
    for path in sorted(FOLDER.glob("*.yaml")):
        crd = _load(path.read_text(encoding="utf-8"))
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            found[f"{group}/{version['name']} {kind}"] = _strict(version["schema"]["openAPIV3Schema"])
    return found


def _load(text: str) -> Any:
    loader = _Loader(text)  # a safe loader (see _Loader)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def is_custom(document: dict[str, Any]) -> bool:
    return (document.get("apiVersion"), document.get("kind")) in schemas()


def errors(document: dict[str, Any]) -> list[str]:
    """What is wrong with a custom resource, one message per violation (empty when it is valid)."""
    schema = schemas()[(document["apiVersion"], document["kind"])]
    validator = jsonschema.Draft7Validator(schema)
    return [
        f"{'.'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]


def _strict(schema: Any) -> Any:
    """The schema as `kubectl apply` (strict field validation) applies it: an unknown field is an error, not
    silently pruned. And Go's RE2 takes a flag group after `^` (`^(?i)(abort|warn)?$`); Python wants it first."""
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    adapted = {k: _strict(v) for k, v in schema.items()}
    if isinstance(adapted.get("pattern"), str):
        adapted["pattern"] = re.sub(r"^\^\(\?([a-z]+)\)", r"(?\1)^", adapted["pattern"])
    if (
        "properties" in adapted
        and "additionalProperties" not in adapted
        and not adapted.get("x-kubernetes-preserve-unknown-fields")
    ):
        adapted["additionalProperties"] = False
    return adapted
