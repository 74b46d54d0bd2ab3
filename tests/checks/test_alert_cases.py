from .conftest import Run

SLOW = 'summary="Slow", description="slow", runbook=BOOK)'
CASES = (
    'summary="Slow", description="slow", runbook=BOOK,\n'
    '             tests=(fires(gauge("latency_seconds", {"service": "api"}, value=3), hold=False, below=False),\n'
    '                    quiet("fast", gauge("latency_seconds", {"service": "api"}, value=1), at="15m")))'
)


def test_good(run_check: Run) -> None:
    assert run_check("alert-cases", (SLOW, CASES)) == []


def test_warns_about_an_alert_without_cases(run_check: Run) -> None:
    (problem,) = run_check("alert-cases")
    assert problem.message == (
        "alert Slow has no firing and no quiet test case: declare fires(...) and quiet(...) cases in its tests"
    )
    assert problem.severity == "warning"


def test_strict_makes_a_missing_quiet_case_an_error(run_check: Run) -> None:
    only_firing = CASES.replace(
        ',\n                    quiet("fast", gauge("latency_seconds", {"service": "api"}, value=1), at="15m")', ","
    )
    (problem,) = run_check("alert-cases", (SLOW, only_firing), strict=True)
    assert problem.severity == "error" and "alert Slow has no quiet test case" in problem.message
