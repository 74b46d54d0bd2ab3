from .conftest import Run

BOOK = 'BOOK = runbook("Something is wrong."'


def test_good(run_check: Run) -> None:
    templated = (
        'BOOK = runbook("Above {threshold} for {for} in {namespace}; see `kubectl top pods --sort-by=cpu -n 2`."'
    )
    assert run_check("runbook-numbers", (BOOK, templated)) == []


def test_bad_a_number_written_by_hand(run_check: Run) -> None:
    problems = run_check("runbook-numbers", (BOOK, 'BOOK = runbook("Latency above 3 seconds."'))
    assert [p.message for p in problems] == [
        "alert ApiDown: its runbook states 3, which is not its threshold (0): write {threshold}, {for} or {namespace} "
        "instead of the number",
        "alert Slow: its runbook states 3, which is not its threshold (2): write {threshold}, {for} or {namespace} "
        "instead of the number",
    ]
