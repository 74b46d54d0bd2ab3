from pathlib import Path

from futuramon.model import Inhibit

from .conftest import Run, minimal_stack


def test_good(run_check: Run) -> None:
    assert run_check("inhibit-equal") == []


def test_bad_no_equal(run_check: Run, tmp_path: Path) -> None:
    """The model refuses an empty `equal`; the check guards stacks built without it."""
    stack = minimal_stack(tmp_path / "bypass")
    rule = Inhibit.model_construct(source=('severity="critical"',), target=('severity="warning"',), equal=(), tests=())
    routing = stack.routing.model_copy(update={"inhibit": (rule,)})
    (problem,) = run_check("inhibit-equal", stack=stack.model_copy(update={"routing": routing}))
    assert "inhibit rule has no `equal`" in problem.message
