"""Objects too large to deploy: validate says how to deploy one over kubectl apply's limit, and that a dashboard
over Kubernetes' own 1 MiB cannot be deployed at all."""

from __future__ import annotations

from pathlib import Path

import yaml

from futuramon.checks.outputs import APPLY_LIMIT, OBJECT_LIMIT

from ..minimal_spec import deployed_as, files_as
from .conftest import Run

DASHBOARD = "k8s/grafana/dashboard-shop.yaml"


def _padded_dashboard(folder: Path, size: int) -> str:
    """The minimal spec's GrafanaDashboard with its JSON padded to `size` bytes of text."""
    dashboard = yaml.safe_load(files_as(folder, "prometheus-operator")[DASHBOARD])
    dashboard["spec"]["json"] = dashboard["spec"]["json"].replace(
        '"title"', '"description": "' + "x" * size + '",\n  "title"', 1
    )
    return yaml.safe_dump(dashboard, width=size * 2)


def test_a_dashboard_over_kubectl_apply_s_limit_needs_server_side_apply(run_check: Run, tmp_path: Path) -> None:
    (problem,) = run_check("kubernetes-schema", spec=deployed_as("prometheus-operator"),
                           files={DASHBOARD: _padded_dashboard(tmp_path / "spec", APPLY_LIMIT)})  # fmt: skip
    assert problem.path == f"out/{DASHBOARD}"
    assert problem.message.endswith(
        f"bytes: over the {APPLY_LIMIT}-byte limit that `kubectl apply` can store in its annotation: "
        "apply it with `kubectl apply --server-side`"
    )


def test_a_dashboard_over_one_mib_cannot_be_deployed_and_says_so(run_check: Run, tmp_path: Path) -> None:
    (problem,) = run_check("kubernetes-schema", spec=deployed_as("prometheus-operator"),
                           files={DASHBOARD: _padded_dashboard(tmp_path / "spec", OBJECT_LIMIT)})  # fmt: skip
    assert problem.message.endswith(
        f"bytes: over the {OBJECT_LIMIT}-byte limit of a Kubernetes object, which the API server refuses however "
        "it is applied: a dashboard cannot be split across objects; split it into several Dashboards (fewer panels "
        "each)"
    )
