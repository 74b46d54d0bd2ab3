from .conftest import Run

GOOD = "histogram_quantile(0.9, sum by (service, le) (rate(duration_seconds_bucket[5m])))"


def test_good(run_check: Run) -> None:
    assert run_check("histogram-quantile", ("max by (service) (latency_seconds)", GOOD)) == []


def test_bad_without_le(run_check: Run) -> None:
    bad = GOOD.replace("service, le", "service")
    (problem,) = run_check("histogram-quantile", ("max by (service) (latency_seconds)", bad))
    assert "needs its aggregation to keep `le`" in problem.message


def test_bad_not_a_bucket(run_check: Run) -> None:
    bad = GOOD.replace("duration_seconds_bucket", "requests_total")
    (problem,) = run_check("histogram-quantile", ("max by (service) (latency_seconds)", bad))
    assert "must read _bucket series" in problem.message
