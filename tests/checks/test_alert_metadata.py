from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("alert-metadata") == []


def test_bad_blank_summary(run_check: Run) -> None:
    (problem,) = run_check("alert-metadata", replace=('summary="Slow"', 'summary="   "'))
    assert problem.message == "alert Slow lacks summary"
