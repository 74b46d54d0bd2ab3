"""futuramon: Prometheus rules, Alertmanager routing and Grafana dashboards as Python."""

__version__ = "0.1.0"
