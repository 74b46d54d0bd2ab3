"""`futuramon drill`: fire alerts through a real Alertmanager (and Prometheus, live) and show where they land."""

from futuramon.drill.result import Drill
from futuramon.drill.run import drill

__all__ = ["Drill", "drill"]
