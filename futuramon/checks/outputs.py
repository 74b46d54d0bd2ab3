"""Checks on the rendered files themselves: Kubernetes schemas and sizes, secrets, drift."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import kubernetes_validate

from futuramon import crds
from futuramon.checks.base import Check, Context, Finding
from futuramon.errors import SECRETS
from futuramon.secretscan import SecretScan

# `kubectl apply` stores the object in an annotation, which must stay under 256 KiB; Kubernetes refuses any
# object over 1 MiB, however it is applied.
APPLY_LIMIT = 256 * 1024
OBJECT_LIMIT = 1024 * 1024
KUBERNETES_VERSION = "1.30.0"
# kubernetes_validate reads two JSON schemas from disk for every object it validates (1.3 s for the 53 objects
# of N=1000): each is read once per process.
kubernetes_validate.utils.schema_contents = functools.cache(kubernetes_validate.utils.schema_contents)
_SECRETS = SecretScan(
    [
        *SECRETS,
        (re.compile(r"(?:^|[^\w.-])(?:api_url|webhook_url|url):\s*['\"]?https?://"), "an inline webhook URL"),
        (
            re.compile(r"(?:^|[^\w.-])(?:routing_key|service_key|api_key|auth_password|auth_secret):\s*\S"),
            "an inline key",
        ),
    ]
)


def kubernetes_schema(ctx: Context) -> Iterator[Finding]:
    for name, text in ctx.files.items():
        if not name.startswith("k8s/"):
            continue
        where = (ctx.shown(name), 0)
        if not name.endswith(".yaml"):
            yield Finding(where, "not a Kubernetes manifest: `kubectl apply -f k8s/ --recursive` would fail on it; "
                                 "only objects belong under k8s/")  # fmt: skip
            continue
        size = len(text.encode())
        if size > OBJECT_LIMIT:
            yield Finding(where, f"{size} bytes: over the {OBJECT_LIMIT}-byte limit of a Kubernetes object, which "
                                 f"the API server refuses however it is applied{_too_big_hint(name)}")  # fmt: skip
        elif size > APPLY_LIMIT:
            yield Finding(where, f"{size} bytes: over the {APPLY_LIMIT}-byte limit that `kubectl apply` can store "
                                 "in its annotation: apply it with `kubectl apply --server-side`")  # fmt: skip
        for document in ctx.documents(name):
            for message in _object_errors(document):
                yield Finding(where, message)


def _too_big_hint(name: str) -> str:
    if name.startswith("k8s/grafana/"):
        return ": a dashboard cannot be split across objects; split it into several Dashboards (fewer panels each)"
    return ""


def _object_errors(document: Any) -> list[str]:
    """A custom resource against its CRD's schema, anything else against Kubernetes' own."""
    if isinstance(document, dict) and crds.is_custom(document):
        kind = f"{document['kind']} ({document['apiVersion']})"
        return [f"not a valid {kind} by its CRD's openAPIV3Schema: {error}" for error in crds.errors(document)]
    try:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [f"not a valid Kubernetes object: {error.message}"]
    return []


def no_secrets(ctx: Context) -> Iterator[Finding]:
    for name, text in ctx.files.items():
        anywhere, patterns = _SECRETS.patterns(text)
        if not any(pattern.search(text) for pattern in anywhere):  # most files: no secret, no line split
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for pattern, what in patterns:
                if pattern.search(line):
                    yield Finding(
                        (ctx.shown(name), number), f"{what} in the output: secrets belong in the webhook Secret"
                    )


def drift(ctx: Context) -> Iterator[Finding]:
    for relative, state in ctx.drift.items():
        yield Finding((f"{ctx.out_name}/{relative}", 0), f"{state}: run `futuramon render` and commit the result")


def foreign_files(ctx: Context) -> Iterator[Finding]:
    for relative in ctx.foreign:
        yield Finding(
            (f"{ctx.out_name}/{relative}", 0),
            "futuramon did not write it; it is kept, never rendered over (move it if kubectl must not apply it)",
        )


CHECKS = [
    Check(
        "kubernetes-schema",
        "error",
        "every file in out/k8s/ is a valid Kubernetes object (custom resources by their CRD) under 256 KiB",
        kubernetes_schema,
    ),
    Check("no-secrets", "error", "no webhook URL or token appears in any output file", no_secrets),
    Check("drift", "error", "out/ is byte-for-byte a fresh render of the specs", drift),
    Check("foreign-files", "warning", "files in out/ that futuramon did not write are named (and kept)", foreign_files),
]
