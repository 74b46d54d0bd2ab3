from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("known-metrics") == []


def test_bad_typo(run_check: Run) -> None:
    (problem,) = run_check("known-metrics", ("(latency_seconds)", "(latency_second)"))
    assert problem.message == "alert Slow reads 'latency_second', which is not in the metrics catalog"


def test_bad_no_catalog(run_check: Run) -> None:
    (problem,) = run_check("known-metrics", ("METRICS = [", "METRICS = [] and ["))
    assert "declare no Metric catalog" in problem.message
