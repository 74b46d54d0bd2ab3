from .conftest import Run

PANEL = 'Panel(title="Up", kind="stat", queries=(Query(expr="sum(up)"),)),'


def test_good(run_check: Run) -> None:
    assert run_check("panel-grid") == []


def test_bad_overlap(run_check: Run) -> None:
    two = PANEL + '\n    Panel(title="Two", kind="stat", queries=(Query(expr="up"),), grid=Grid(x=6, y=4, w=12, h=8)),'
    (problem,) = run_check("panel-grid", (PANEL, two))
    assert problem.message == "panel 'Two' overlaps panel 'Up' on the grid"


def test_bad_past_24_columns(run_check: Run) -> None:
    wide = (
        PANEL + '\n    Panel(title="Two", kind="stat", queries=(Query(expr="up"),), grid=Grid(x=20, y=20, w=8, h=8)),'
    )
    (problem,) = run_check("panel-grid", (PANEL, wide))
    assert problem.message == "panel 'Two' ends at column 28, past 24"
