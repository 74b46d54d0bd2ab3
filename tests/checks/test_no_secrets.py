from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("no-secrets") == []


# A spec holding a secret is refused when it loads (tests/test_secrets.py); this check is the second line,
# for a secret that reaches the output some other way (a template, a hand-edited file).
def test_bad_webhook_in_output(run_check: Run) -> None:
    leaked = {"runbooks/Slow.md": "# Slow\n\nPost to https://hooks.slack.com/services/T/B/C\n"}
    problems = run_check("no-secrets", files=leaked)
    assert [(p.path, p.line) for p in problems] == [("out/runbooks/Slow.md", 3)]
    assert "a Slack webhook URL in the output" in problems[0].message


def test_bad_token_in_output(run_check: Run) -> None:
    problems = run_check("no-secrets", files={"runbooks/Slow.md": "token xoxb-1234567890-abcdef\n"})
    assert problems and "a Slack token" in problems[0].message
