from futuramon.checks.outputs import APPLY_LIMIT

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
