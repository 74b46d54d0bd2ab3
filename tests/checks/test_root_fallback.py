from .conftest import Run

ROUTES = 'routes=(route(\'severity="warning"\', receiver="chat"),)'


def test_good(run_check: Run) -> None:
    routes = (
        'routes=(route(\'severity="warning"\', receiver="chat"), route(\'severity="critical"\', receiver="oncall"))'
    )
    assert run_check("root-fallback", (ROUTES, routes)) == []


def test_warns_when_only_the_root_takes_an_alert(run_check: Run) -> None:
    (problem,) = run_check("root-fallback")
    assert problem.message == "alert ApiDown matches no route: it reaches the root receiver 'oncall' only by fallback"
    assert problem.severity == "warning"


def test_strict_makes_it_an_error(run_check: Run) -> None:
    (problem,) = run_check("root-fallback", strict=True)
    assert problem.severity == "error"
