from __future__ import annotations

from ..minimal_spec import deployed_as
from .conftest import Run


def test_ruler_files_pass_vmalert_dry_run(run_check: Run) -> None:
    """The real vmalert: a missing one fails this test (ToolError), it never skips."""
    assert run_check("vmalert-dry-run", spec=deployed_as("ruler")) == []
    broken = "namespace: shop\ngroups:\n  - name: shop\n    rules:\n      - alert: Broken\n        expr: sum(up\n"
    (problem,) = run_check("vmalert-dry-run", spec=deployed_as("ruler"), files={"ruler/shop-team/shop.yaml": broken})
    assert problem.path == "out/ruler/shop-team/shop.yaml" and "vmalert -dryRun failed" in problem.message
