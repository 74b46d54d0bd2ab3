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


def test_bad_secrets_found_whatever_the_text_holds_besides(run_check: Run) -> None:
    """RE2 scans text whose characters it reads as Python's re does (ASCII, and symbols such as `→`); a text with
    other letters or spaces (`é`, a no-break space) goes to Python's re: the same secrets are found either way."""
    texts = {
        "runbooks/Slow.md": "→ https://hooks.slack.com/services/T/B/C\n",
        "runbooks/ApiDown.md": "Résumé:\n\n  url:\u00a0https://example.com/alert\n",
        "grafana/dashboards/shop.json": "routing_key: 'R0123456789abcdefghijK'\n",
    }
    problems = run_check("no-secrets", files=texts)
    assert [(p.path, p.line, p.message.split(" in the output")[0]) for p in problems] == [
        ("out/grafana/dashboards/shop.json", 1, "a PagerDuty key"),
        ("out/grafana/dashboards/shop.json", 1, "an inline key"),
        ("out/runbooks/ApiDown.md", 3, "an inline webhook URL"),
        ("out/runbooks/Slow.md", 1, "a Slack webhook URL"),
    ]
