from .conftest import Run

PANELS = 'Panel(title="Up", kind="stat", queries=(Query(expr="sum(up)"),)),'
SIGNALS = (
    'Panel(title="Up", kind="stat", queries=(Query(expr="sum by (service) (up)"),), thresholds_from="ApiDown"),\n'
    '    signal_panel(SLOW, "timeseries"),'
)
# both alerts point at the panel that plots their signal (the slow one's panel is built from the alert)
POINTED = ('panel="Up", summary="Slow"', 'panel="Latency", summary="Slow"')
IMPORT = ("route, runbook, step)", "route, runbook, signal_panel, step)")


def test_good(run_check: Run) -> None:
    assert run_check("panel-signal", (PANELS, SIGNALS), IMPORT, POINTED) == []


def test_bad_a_link_to_a_panel_that_plots_something_else(run_check: Run) -> None:
    problems = run_check("panel-signal")
    assert [p.message for p in problems] == [
        "alert ApiDown links to panel 'Up' of shop, which does not plot its signal: point `panel` at a panel built "
        "with signal_panel(...) from this alert",
        "alert Slow links to panel 'Up' of shop, which does not plot its signal: point `panel` at a panel built "
        "with signal_panel(...) from this alert",
    ]
