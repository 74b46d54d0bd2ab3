"""The rendered FuturaTickets stack is byte-for-byte the committed out/ (our golden files).

Regenerate after an intended change with `pytest --update-golden`, then review the diff.
"""

from __future__ import annotations

from futuramon import writer
from futuramon.pipeline import Build, Rendered

from .conftest import OUT


def test_out_is_the_fresh_render(built: Build, update_golden: bool) -> None:
    if update_golden:
        writer.write(built.files, OUT)
    assert writer.diff(built.files, OUT) == "", "out/ is stale: run `pytest --update-golden` and review the diff"


def test_each_environment_has_its_own_folder(built: Build) -> None:
    assert [(e.name, e.root) for e in built.environments] == [("production", "production/"), ("staging", "staging/")]
    assert {path.split("/", 1)[0] for path in built.files} == {"production", "staging"}


def test_every_contract_file_is_rendered(rendered: Rendered) -> None:
    for path in [
        "k8s/prometheus/alert-rules.yaml",
        "k8s/alertmanager/alertmanager-config.yaml",
        "grafana/dashboards/futuratickets-overview.json",
        "k8s/grafana/dashboard-configmap.yaml",
        "grafana/dashboards/futuratickets-alert-signals.json",
        "k8s/grafana/dashboard-configmap-futuratickets-alert-signals.yaml",
        "prometheus/alert-rules.yaml",
        "alertmanager/alertmanager.yml",
    ]:
        assert path in rendered.files
    assert sorted(p for p in rendered.files if p.startswith("runbooks/")) == sorted(
        f"runbooks/{a.name}.md" for a in rendered.stack.alerts
    )
