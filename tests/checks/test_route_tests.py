from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("route-tests") == []


def test_bad_expected_receiver(run_check: Run) -> None:
    (problem,) = run_check("route-tests", ('receivers=("chat",)', 'receivers=("oncall",)'))
    assert problem.message == "labels {'severity': 'warning'} should reach oncall, reached chat"
