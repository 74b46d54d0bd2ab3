from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("annotation-templates") == []


def test_bad_template_names_the_alert(run_check: Run) -> None:
    (problem,) = run_check("annotation-templates", ('description="slow"', 'description="{{ if }}"'))
    assert problem.path == "specs/spec.py" and "alert Slow: broken Go template" in problem.message
