"""The backtest's rule evaluation against Prometheus' own engine: promtool, minute by minute."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from futuramon import tools
from futuramon.live.evaluate import episodes
from futuramon.series import expand

# Bursts below 10 of one to six minutes, separated by one- to three-minute gaps.
VALUES = "50 5 50 5x1 50 5x5 50 5x2 50x1 5x3 50x2 5x6 50x8"


@pytest.mark.parametrize(("hold", "keep"), [(0, 0), (1, 0), (2, 0), (3, 0), (2, 2), (1, 3), (0, 1)])
def test_firing_minute_by_minute_as_promtool_says(tmp_path: Path, hold: int, keep: int) -> None:
    values = expand(VALUES)
    minutes = len(values) + keep + 2
    present = [60.0 * i for i, v in enumerate(values) if v is not None and v < 10]
    found = episodes(present, 60, 60 * hold, 60 * keep, 60.0 * minutes)
    firing = {m for m in range(minutes) for e in found if e.start <= 60 * m and (e.end is None or 60 * m < e.end)}
    rule: dict[str, object] = {"alert": "Low", "expr": "available < 10", "for": f"{hold}m"}
    if keep:
        rule["keep_firing_for"] = f"{keep}m"
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"groups": [{"name": "g", "rules": [rule]}]}))
    (tmp_path / "test.yaml").write_text(yaml.safe_dump({
        "rule_files": ["rules.yaml"],
        "evaluation_interval": "1m",
        "tests": [{
            "interval": "1m",
            "input_series": [{"series": "available", "values": VALUES}],
            "alert_rule_test": [
                {"eval_time": f"{m}m", "alertname": "Low", "exp_alerts": [{"exp_labels": {}}] if m in firing else []}
                for m in range(minutes)
            ],
        }],
    }))  # fmt: skip
    result = tools.run("promtool", "test", "rules", "test.yaml", cwd=tmp_path)
    assert result.code == 0, result.output
    assert firing  # every case fires at least once
