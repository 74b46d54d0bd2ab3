from .conftest import Run

RULE = 'equal=("service",)),)'
CASE = (
    'equal=("service",), tests=(InhibitCase(source={"severity": "critical", "service": "a"}, '
    'target={"severity": "warning", "service": "%s"}, inhibited=True),)),)'
)


def test_good(run_check: Run) -> None:
    assert run_check("inhibit-tests", (RULE, CASE % "a")) == []


def test_bad_case(run_check: Run) -> None:
    (problem,) = run_check("inhibit-tests", (RULE, CASE % "b"))
    assert "was expected to inhibit {'service': 'b', 'severity': 'warning'}" in problem.message
