from pathlib import Path

import yaml

from futuramon.checks.outputs import APPLY_LIMIT

from ..minimal_spec import deployed_as, files_as
from .conftest import Run

BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  colour: red\ndata: {}\n"


def test_good(run_check: Run) -> None:
    assert run_check("kubernetes-schema") == []


def test_bad_field(run_check: Run) -> None:
    (problem,) = run_check("kubernetes-schema", files={"k8s/extra.yaml": BAD})
    assert problem.path == "out/k8s/extra.yaml" and "'colour' was unexpected" in problem.message


def test_too_big_for_kubectl_apply(run_check: Run) -> None:
    big = BAD.replace("  colour: red\n", "").replace("data: {}", "data:\n  big: " + "x" * APPLY_LIMIT)
    (problem,) = run_check("kubernetes-schema", files={"k8s/big.yaml": big})
    assert "over the 262144-byte limit" in problem.message


def test_good_custom_resources(run_check: Run) -> None:
    assert run_check("kubernetes-schema", spec=deployed_as("prometheus-operator")) == []


def test_bad_custom_resource_by_its_real_crd(run_check: Run, tmp_path: Path) -> None:
    files = files_as(tmp_path / "operator", "prometheus-operator")
    config = yaml.safe_load(files["k8s/alertmanager/alertmanager-config.yaml"])
    config["spec"]["route"]["groupWait"] = "30 seconds"
    config["spec"]["receivers"][0]["slackConfigs"][0]["colour"] = "red"
    problems = run_check("kubernetes-schema", spec=deployed_as("prometheus-operator"),
                         files={"k8s/alertmanager/alertmanager-config.yaml": yaml.safe_dump(config)})  # fmt: skip
    messages = sorted(p.message for p in problems)
    prefix = "not a valid AlertmanagerConfig (monitoring.coreos.com/v1alpha1) by its CRD's openAPIV3Schema: "
    assert messages == [
        prefix + "spec.receivers.0.slackConfigs.0: Additional properties are not allowed ('colour' was unexpected)",
        prefix + "spec.route.groupWait: '30 seconds' does not match "
        "'^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$'",
    ]


def test_a_file_under_k8s_that_is_not_an_object(run_check: Run) -> None:
    (problem,) = run_check("kubernetes-schema", files={"k8s/grafana/dashboards/shop.json": "{}\n"})
    assert problem.path == "out/k8s/grafana/dashboards/shop.json" and "not a Kubernetes manifest" in problem.message
