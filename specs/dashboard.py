"""FuturaTickets - Production Overview: the 11 panels, in the contract's order.

Panels that show an alert's signal are built from the alert itself (`signal_panel`),
so the query and the threshold line cannot drift from the rule.
"""

from futuramon.dsl import Dashboard, Panel, Query, signal_panel

from .alerts import (
    HighCPUUsage,
    HighErrorRate,
    HighMemoryUsage,
    HighResponseTime,
    HighSentryErrorCount,
    LowPaymentSuccessRate,
    MongoDBConnectionIssues,
)

OVERVIEW = Dashboard(
    uid="futuratickets-overview",
    title="FuturaTickets - Production Overview",
    tags=("futuratickets", "production"),
    refresh="30s",
    time_from="now-6h",
    panels=(
        Panel(title="HTTP Requests Rate", kind="timeseries", unit="reqps",
              description="Requests per second by service.",
              queries=(Query(expr="sum by (service) (rate(http_requests_total[5m]))", legend="{{service}}"),)),
        signal_panel(HighResponseTime, "timeseries", legend="{{service}}",
                     description="95th percentile latency by service; the line is HighResponseTime's threshold."),
        signal_panel(HighCPUUsage, "timeseries", legend="{{pod}}", min=0,
                     description="CPU use of each pod as a share of its CPU limit."),
        signal_panel(HighMemoryUsage, "timeseries", legend="{{pod}}", min=0,
                     description="Working-set memory of each pod as a share of its memory limit."),
        signal_panel(HighErrorRate, "timeseries", legend="{{service}}",
                     description="5xx responses per second by service; HighErrorRate fires above the line."),
        Panel(title="Active Orders", kind="stat", unit="short", width=6,
              description="Orders created in the last 5 minutes.",
              queries=(Query(expr="sum(increase(orders_created_total[5m]))", legend="orders"),)),
        signal_panel(LowPaymentSuccessRate, "gauge", legend="{{service}}", width=6, min=0, max=1,
                     description="Share of successful payments; red below LowPaymentSuccessRate's threshold."),
        signal_panel(MongoDBConnectionIssues, "timeseries", legend="available",
                     more=(Query(expr='sum by (cluster, instance) (mongodb_connections{state="current"})',
                                 legend="current"),),
                     description="MongoDB connection pool: connections available and in use."),
        Panel(title="Redis Operations/sec", kind="timeseries", unit="ops",
              description="Commands Redis processes per second.",
              queries=(Query(expr="sum by (instance) (rate(redis_commands_processed_total[5m]))",
                             legend="{{instance}}"),)),
        Panel(title="Active Tickets", kind="stat", unit="short",
              description="Tickets currently active.",
              queries=(Query(expr="sum(tickets_active_total)", legend="tickets"),)),
        signal_panel(HighSentryErrorCount, "stat", legend="{{service}}",
                     description="Application errors reported to Sentry in the last hour."),
    ),
)
