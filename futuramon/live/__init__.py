"""Against the real system: `verify` a live Prometheus, `backtest` alerts on its history, `tune` thresholds.

Everything here speaks only the Prometheus HTTP query API, so it works against Prometheus, Thanos Query,
Mimir and VictoriaMetrics alike.
"""
