"""The CRD schemas validate reads (futuramon/schemas/compiled.json) are those of the CRDs in futuramon/schemas/."""

from __future__ import annotations

import json

from futuramon import crds


def test_the_compiled_schemas_are_the_crds(update_golden: bool) -> None:
    schemas = crds.compiled()
    if update_golden:
        crds.COMPILED.write_text(json.dumps(schemas, sort_keys=True, separators=(",", ":")) + "\n")
    assert json.loads(crds.COMPILED.read_text()) == schemas, "stale: run `pytest --update-golden`"
    assert set(crds.schemas()) == {
        ("monitoring.coreos.com/v1", "PrometheusRule"),
        ("monitoring.coreos.com/v1alpha1", "AlertmanagerConfig"),
        ("grafana.integreatly.org/v1beta1", "GrafanaDashboard"),
    }
