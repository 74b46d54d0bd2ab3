from ..minimal_spec import deployed_as
from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("alerts-routed-as-deployed") == []
    assert run_check("alerts-routed-as-deployed", spec=deployed_as("prometheus-operator")) == []


def test_bad_alert_without_the_operator_namespace_label(run_check: Run) -> None:
    problems = run_check("alerts-routed-as-deployed", spec=deployed_as("prometheus-operator", labels="{}"))
    assert [p.message.split(":")[0] for p in problems] == [
        "alert ApiDown should reach shop/alertmanager-config/oncall but the Alertmanager config as deployed "
        "(alertmanager/alertmanager.yml) sends it to null",
        "alert Slow should reach shop/alertmanager-config/chat but the Alertmanager config as deployed "
        "(alertmanager/alertmanager.yml) sends it to null",
    ]
    assert 'it lacks the label namespace="shop"' in problems[0].message


def test_plain_alertmanager_routes_alerts_without_namespace(run_check: Run) -> None:
    assert run_check("alerts-routed-as-deployed", spec=deployed_as("configmaps", labels="{}")) == []
