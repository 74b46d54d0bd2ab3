from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("alert-tests") == []


def test_bad_case_names_the_case(run_check: Run) -> None:
    (problem,) = run_check("alert-tests", ("below=False)", 'at="3m", name="down", below=False)'))
    assert problem.path == "specs/spec.py" and problem.line > 0
    assert "alert ApiDown: case 'down' expected the alert fires at 3m" in problem.message
    assert "got:[]" in problem.message.replace(" ", "")
