from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("annotation-labels") == []


def test_bad_a_label_the_alert_does_not_carry(run_check: Run) -> None:
    (problem,) = run_check("annotation-labels", ('description="{{ $labels.service }} is down"',
                                                 'description="{{ $labels.servcie }} is down"'))  # fmt: skip
    assert problem.message == (
        "alert ApiDown: description uses $labels.servcie, but the alert does not carry 'servcie' "
        "(it carries alertname, category, service, severity)"
    )
