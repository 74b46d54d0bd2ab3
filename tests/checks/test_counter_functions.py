from .conftest import Run


def test_good_rate_over_counter(run_check: Run) -> None:
    assert run_check("counter-functions", ("(latency_seconds)", "(rate(requests_total[5m]))")) == []


def test_bad_rate_over_gauge(run_check: Run) -> None:
    (problem,) = run_check("counter-functions", ("(latency_seconds)", "(rate(latency_seconds[5m]))"))
    assert "applies rate() to 'latency_seconds', a gauge" in problem.message
