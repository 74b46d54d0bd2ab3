from .conftest import Run

ROUTE = 'route(\'severity="warning"\', receiver="chat")'
SHADOWED = ROUTE + ', route(\'severity="warning"\', \'team="db"\', receiver="oncall")'


def test_good(run_check: Run) -> None:
    assert run_check("unreachable-routes") == []


def test_bad_shadowed_route(run_check: Run) -> None:
    (problem,) = run_check("unreachable-routes", (ROUTE, SHADOWED))
    assert 'route #2 (severity="warning", team="db") is unreachable: route #1' in problem.message
