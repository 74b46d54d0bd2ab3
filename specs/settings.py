"""FuturaTickets house conventions: where links point, allowed labels (where it runs: specs/environments.py)."""

from futuramon.dsl import Settings

SETTINGS = Settings(
    namespace="futuratickets",
    labels={"component": "monitoring"},
    runbook_base_url="https://github.com/futuratickets/monitoring/blob/main/out/{environment}/runbooks",
    grafana_url="https://grafana.futuratickets.com",
    severities=("critical", "warning"),
    categories=("platform", "payments", "business"),
    secret_name="alertmanager-webhooks",
    secret_dir="/etc/alertmanager/secrets",
)
