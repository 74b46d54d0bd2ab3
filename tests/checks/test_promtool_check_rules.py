from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("promtool-check-rules") == []


def test_bad_annotation_template(run_check: Run) -> None:
    (problem,) = run_check("promtool-check-rules", ('summary="Slow"', 'summary="{{ $labels.x }"'))
    assert problem.path == "out/prometheus/alert-rules.yaml" and "promtool check rules failed" in problem.message
