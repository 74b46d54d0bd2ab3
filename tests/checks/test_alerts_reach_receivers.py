from pathlib import Path

from futuramon.model import Route

from .conftest import Run, minimal_stack


def test_good(run_check: Run) -> None:
    assert run_check("alerts-reach-receivers") == []


def test_bad_unknown_receiver(run_check: Run, tmp_path: Path) -> None:
    """The model refuses this at load time; the check still holds for stacks built by other means."""
    stack = minimal_stack(tmp_path / "bypass")
    broken = Route.model_construct(matchers=('severity="warning"',), receiver="pager", continue_=False)
    routing = stack.routing.model_copy(update={"routes": (broken,)})
    problems = run_check("alerts-reach-receivers", stack=stack.model_copy(update={"routing": routing}))
    assert sorted(p.message for p in problems) == [
        "alert Slow reaches no receiver",
        "route #1 sends to unknown receiver 'pager'",
    ]
