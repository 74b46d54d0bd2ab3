"""The rendered FuturaTickets stack is byte-for-byte the committed out/ (our golden files).

Regenerate after an intended change with `pytest --update-golden`, then review the diff.
"""

from __future__ import annotations

from futuramon import writer
from futuramon.pipeline import Rendered

from .conftest import OUT


def test_out_is_the_fresh_render(rendered: Rendered, update_golden: bool) -> None:
    if update_golden:
        writer.write(rendered.files, OUT)
    assert writer.diff(rendered.files, OUT) == "", "out/ is stale: run `pytest --update-golden` and review the diff"


def test_every_contract_file_is_rendered(rendered: Rendered) -> None:
    for path in [
        "k8s/prometheus/alert-rules.yaml",
        "k8s/alertmanager/alertmanager-config.yaml",
        "k8s/grafana/dashboards/futuratickets-overview.json",
        "k8s/grafana/dashboard-configmap.yaml",
        "k8s/grafana/dashboards/futuratickets-alert-signals.json",
        "k8s/grafana/dashboard-configmap-futuratickets-alert-signals.yaml",
        "prometheus/alert-rules.yaml",
        "alertmanager/alertmanager.yml",
    ]:
        assert path in rendered.files
    assert sorted(p for p in rendered.files if p.startswith("runbooks/")) == sorted(
        f"runbooks/{a.name}.md" for a in rendered.stack.alerts
    )
