"""Live drills compress time in the PromQL syntax tree: every range, subquery and offset, and every rate()."""

from __future__ import annotations

import pytest

from futuramon.drill import compress

CASES = {
    "a regex with parentheses keeps its rate divided": (
        'sum by (service) (rate(http_requests_total{status=~"(500|503)"}[5m]))',
        'sum by (service)((rate(http_requests_total{status=~"(500|503)"}[5s]) / 60))',
    ),
    "subquery range and step, and its offset": (
        "max_over_time(up[30m:1m] offset 10m)",
        "max_over_time(up{}[30s:1s] offset 10s)",
    ),
    "offset of a range selector": ("increase(orders_total[1h] offset 1h)", "increase(orders_total{}[1m] offset 1m)"),
    "rate inside a binary expression with matching": (
        "rate(a[10m]) / on (pod) group_left () rate(b[10m])",
        "(rate(a{}[10s]) / 60) / on (pod) group_left () (rate(b{}[10s]) / 60)",
    ),
    "irate in an aggregation named like its metric": ("sum by (x) (irate(x[2m]))", "sum by (x)((irate(x{}[2s]) / 60))"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_compressed(case: str) -> None:
    before, after = CASES[case]
    assert compress.expr(before) == after
