from .conftest import Run

QUERY = 'queries=(Query(expr="sum(up)"),)'
SIGNAL = 'queries=(Query(expr="max by (service) (latency_seconds)"),)'


def test_good(run_check: Run) -> None:
    assert run_check("panel-thresholds", (QUERY, SIGNAL + ', thresholds_from="Slow"')) == []


def test_bad_signal_without_threshold(run_check: Run) -> None:
    (problem,) = run_check("panel-thresholds", (QUERY, SIGNAL))
    assert "panel 'Up' plots the signal of Slow but does not draw its threshold" in problem.message


def test_bad_threshold_without_signal(run_check: Run) -> None:
    (problem,) = run_check("panel-thresholds", (QUERY, QUERY + ', thresholds_from="Slow"'))
    assert "draws the threshold of Slow but does not plot its signal" in problem.message
