from futuramon.render import outputs

from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("message-templates") == []


def test_bad_template_file(run_check: Run) -> None:
    broken = '{{ define "futuramon.title" }}{{ .Status | nosuchfunc }}{{ end }}'
    problems = run_check("message-templates", files={outputs.TEMPLATES: broken})
    assert problems and all("does not render" in p.message for p in problems)
