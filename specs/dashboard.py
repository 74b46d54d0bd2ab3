"""The FuturaTickets dashboards: the Production Overview (the 11 panels of the seed, in the contract's
order) and the Alert Signals (one panel for each alert whose signal no overview panel plots).

Panels that show an alert's signal are built from the alert itself (`signal_panel`),
so the query and the threshold line cannot drift from the rule, and every alert's
`dashboard_url` opens a panel that plots its own signal.
"""

from futuramon.dsl import Annotation, Dashboard, Link, Panel, Query, Variable, signal_panel

from .alerts import (
    DeploymentRolloutStuck,
    DiskSpaceLow,
    HighCPUUsage,
    HighErrorRate,
    HighMemoryUsage,
    HighResponseTime,
    HighSentryErrorCount,
    LowPaymentSuccessRate,
    MongoDBConnectionIssues,
    NoOrdersReceived,
    PodDown,
    RedisDown,
    SlowOrderProcessing,
    TicketGenerationFailures,
    WebhookDeliveryFailures,
)

# The service picker of the overview; the panels that do not plot an alert's signal filter by it (a signal
# panel shows exactly what its alert evaluates).
SERVICE = Variable(name="service", query="label_values(http_requests_total, service)", label="Service")
# A marker on every time panel where a deployment rolled out a new generation (kube-state-metrics).
DEPLOYMENTS = Annotation(
    name="Deployments",
    expr='changes(kube_deployment_status_observed_generation{namespace="futuratickets"}[2m]) > 0',
    title="{{deployment}} rolled out",
    color="rgba(138, 184, 255, 1)",
)

OVERVIEW = Dashboard(
    uid="futuratickets-overview",
    title="FuturaTickets - Production Overview",
    tags=("futuratickets", "{environment}"),
    refresh="30s",
    time_from="now-6h",
    variables=(SERVICE,),
    annotations=(DEPLOYMENTS,),
    links=(Link(title="Alert Signals", to="futuratickets-alert-signals"),),
    panels=(
        Panel(title="HTTP Requests Rate", kind="timeseries", unit="reqps",
              description="Requests per second by service.",
              queries=(Query(expr='sum by (service) (rate(http_requests_total{service=~"$service"}[5m]))',
                             legend="{{service}}"),)),
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

ALERT_SIGNALS = Dashboard(
    uid="futuratickets-alert-signals",
    title="FuturaTickets - Alert Signals",
    tags=("futuratickets", "{environment}", "alerts"),
    refresh="30s",
    time_from="now-6h",
    annotations=(DEPLOYMENTS,),
    links=(Link(title="Production Overview", to="futuratickets-overview"),),
    panels=(
        signal_panel(PodDown, "timeseries", legend="{{namespace}}/{{pod}}", min=0,
                     description="Pods in phase Pending, Failed or Unknown; PodDown fires above the line."),
        signal_panel(DeploymentRolloutStuck, "timeseries", legend="{{deployment}}", min=0, max=1,
                     description="Deployments whose Progressing condition is false; 1 is stuck."),
        signal_panel(RedisDown, "timeseries", legend="{{instance}}", min=0, max=1,
                     description="Whether the Redis exporter reaches Redis: 1 up, 0 down."),
        signal_panel(DiskSpaceLow, "timeseries", legend="{{instance}} {{mountpoint}}", min=0, max=1,
                     description="Share of each node filesystem still free; red below DiskSpaceLow's threshold."),
        signal_panel(WebhookDeliveryFailures, "timeseries", legend="{{service}}", min=0,
                     description="Failed Stripe webhook deliveries per second by service."),
        signal_panel(TicketGenerationFailures, "timeseries", legend="{{service}}", min=0,
                     description="Failed ticket generations per second by service."),
        signal_panel(SlowOrderProcessing, "timeseries", legend="{{service}}", min=0,
                     description="95th percentile of order processing time by service."),
        signal_panel(NoOrdersReceived, "stat", legend="orders",
                     description="Orders created in the last hour; red at zero."),
    ),
)
