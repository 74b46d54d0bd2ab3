from __future__ import annotations

from pathlib import Path

import yaml

from ..minimal_spec import deployed_as, files_as
from .conftest import Run


def test_objects_lacking_their_selector_labels_fail(run_check: Run, tmp_path: Path) -> None:
    assert run_check("selector-labels", spec=deployed_as("prometheus-operator")) == []
    rule = yaml.safe_load(files_as(tmp_path / "operator", "prometheus-operator")["k8s/prometheus/alert-rules.yaml"])
    del rule["metadata"]["labels"]["release"]
    (problem,) = run_check("selector-labels", spec=deployed_as("prometheus-operator"),
                           files={"k8s/prometheus/alert-rules.yaml": yaml.safe_dump(rule)})  # fmt: skip
    assert problem.message == (
        "PrometheusRule lacks {'release': 'kube-prometheus-stack'} from rule_labels (the Prometheus ruleSelector)"
    )
