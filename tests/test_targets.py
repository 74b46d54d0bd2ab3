"""Deployment targets: the same minimal spec rendered for each target (golden files), the objects checked against
the real CRD schemas, the namespace-matcher trap of prometheus-operator, and vmalert on the ruler's files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from futuramon import crds, writer

from .conftest import GOLDEN, Cli
from .minimal_spec import deployed_as as spec
from .minimal_spec import files_as


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.py").write_text(text)
    return folder


@pytest.mark.parametrize("target", ["configmaps", "prometheus-operator", "ruler"])
def test_minimal_spec_renders_as_its_golden_files(tmp_path: Path, update_golden: bool, target: str) -> None:
    files = files_as(tmp_path / "specs", target)
    golden = GOLDEN / "targets" / target
    if update_golden:
        writer.write(files, golden)
    assert writer.diff(files, golden) == "", f"tests/golden/targets/{target} differs: run `pytest --update-golden`"


def test_every_k8s_file_of_every_target_is_an_object(tmp_path: Path) -> None:
    for target in ("configmaps", "prometheus-operator", "ruler"):
        for name, text in files_as(tmp_path / target, target).items():
            if name.startswith("k8s/"):
                assert name.endswith(".yaml"), name
                assert all(doc["apiVersion"] and doc["kind"] for doc in yaml.safe_load_all(text)), name


def test_operator_objects_validate_against_the_real_crds(tmp_path: Path) -> None:
    files = files_as(tmp_path / "specs", "prometheus-operator")
    kinds = {}
    for name, text in files.items():
        if name.startswith("k8s/"):
            document = yaml.safe_load(text)
            kinds[document["kind"]] = name
            if crds.is_custom(document):
                assert crds.errors(document) == [], name
    assert set(kinds) == {"PrometheusRule", "AlertmanagerConfig", "GrafanaDashboard", "ConfigMap"}


def _validate(cli: Cli, folder: Path) -> tuple[int, str]:
    # the minimal spec's panel plots no alert's signal (panel-signal): not what these tests are about
    code, stdout, stderr = cli("validate", "--specs", folder, "--skip", "drift", "--skip", "panel-signal")
    return code, stdout + stderr


def test_the_namespace_matcher_trap(cli: Cli, tmp_path: Path) -> None:
    """An alert without the namespace label is never routed by an AlertmanagerConfig: validate fails for the
    operator target, naming the alert and the label, and passes for plain ConfigMaps."""
    code, output = _validate(cli, _write(tmp_path / "operator", spec("prometheus-operator", labels="{}")))
    assert code == 1, output
    assert (
        "alert ApiDown should reach shop/alertmanager-config/oncall but the Alertmanager config as deployed "
        '(alertmanager/alertmanager.yml) sends it to null: it lacks the label namespace="shop"' in output
    )
    assert "alert Slow should reach shop/alertmanager-config/chat" in output
    code, output = _validate(cli, _write(tmp_path / "configmaps", spec("configmaps", labels="{}")))
    assert code == 0, output
    code, output = _validate(cli, _write(tmp_path / "labelled", spec("prometheus-operator")))
    assert code == 0, output


def test_ruler_validate_runs_promtool_and_vmalert(cli: Cli, tmp_path: Path) -> None:
    code, output = _validate(cli, _write(tmp_path / "ruler", spec("ruler")))
    assert code == 0, output
