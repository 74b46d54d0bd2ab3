from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("no-secrets") == []


def test_bad_webhook_in_output(run_check: Run) -> None:
    problems = run_check("no-secrets", ('summary="Slow"', 'summary="https://hooks.slack.com/services/T/B/C"'))
    paths = {p.path for p in problems}
    assert paths == {"out/prometheus/alert-rules.yaml", "out/k8s/prometheus/alert-rules.yaml", "out/runbooks/Slow.md"}
    assert all("a Slack webhook URL in the output" in p.message for p in problems)


def test_bad_token_in_output(run_check: Run) -> None:
    problems = run_check("no-secrets", ('summary="Slow"', 'summary="xoxb-1234567890-abcdef"'))
    assert problems and "a Slack token" in problems[0].message
