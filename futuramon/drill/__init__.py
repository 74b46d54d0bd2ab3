"""`futuramon drill`: fire alerts through a real Alertmanager (and Prometheus, live) and show where they land."""

from futuramon.drill.run import Drill, drill

__all__ = ["Drill", "drill"]
