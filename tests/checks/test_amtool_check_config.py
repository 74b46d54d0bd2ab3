from futuramon.render import outputs

from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("amtool-check-config") == []


def test_bad_config(run_check: Run) -> None:
    """What amtool rejects that the model cannot express: here, a receiver the routes do not know."""
    (problem,) = run_check("amtool-check-config", files={outputs.ALERTMANAGER: "route:\n  receiver: nobody\n"})
    assert problem.path == "out/alertmanager/alertmanager.yml" and "amtool check-config failed" in problem.message
    assert "nobody" in problem.message
