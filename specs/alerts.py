"""The 15 FuturaTickets alerts, each with the cases that prove it fires when it should.

Test series use promtool's notation ("0+660x20": start at 0, add 660 per minute, 20 times).
"""

from futuramon.dsl import RuleGroup, alert, fires, quiet

from . import runbooks as rb

PROD = 'cluster="{cluster}"'  # {cluster}, {namespace}: filled in per environment (specs/environments.py)
APP = f'{PROD}, service="api"'


def _buckets(metric: str, bounds: list[str], full_from: str, per_minute: int) -> dict[str, str]:
    """Histogram buckets where every observation falls at or below `full_from` (and none below the bucket before)."""
    series: dict[str, str] = {}
    reached = False
    for bound in bounds:
        reached = reached or bound == full_from
        series[f'{metric}{{{APP}, le="{bound}"}}'] = f"0+{per_minute if reached else 0}x30"
    return series


# --- platform ---------------------------------------------------------------------

HighErrorRate = alert(
    "HighErrorRate",
    signal='sum by (cluster, service) (rate(http_requests_total{status=~"5.."}[5m]))',
    op=">", threshold=10, for_="5m", unit="reqps",
    severity="critical", category="platform", panel="HTTP Error Rate (5xx)",
    summary="{{ $labels.service }} answers more than {threshold} with 5xx errors",
    description="{{ $labels.service }} has served {{ $value | humanize }} 5xx responses per second "
    "for {for} (threshold {threshold}).",
    runbook=rb.HIGH_ERROR_RATE,
    tests=(
        fires("at 11/s after 5m", "10m", {f'http_requests_total{{{APP}, status="500"}}': "0+660x20"},
              cluster="{cluster}", service="api"),
        quiet("before its 5m have passed", "5m", {f'http_requests_total{{{APP}, status="500"}}': "0+660x20"}),
        quiet("just under, at 9.9/s", "15m", {f'http_requests_total{{{APP}, status="503"}}': "0+594x20"}),
        quiet("4xx are not 5xx", "15m", {f'http_requests_total{{{APP}, status="404"}}': "0+660x20"}),
    ),
)

PodDown = alert(
    "PodDown",
    signal='max by (cluster, namespace, pod) (kube_pod_status_phase{namespace="{namespace}", '
    'phase=~"Pending|Failed|Unknown"})',
    op=">", threshold=0, for_="5m",
    severity="critical", category="platform", panel="Pods Not Running",
    summary="Pod {{ $labels.pod }} is not running",
    description="Pod {{ $labels.namespace }}/{{ $labels.pod }} has been Pending, Failed or Unknown for {for}.",
    runbook=rb.POD_DOWN,
    tests=(
        fires("failed for 10m", "10m",
              {f'kube_pod_status_phase{{{PROD}, namespace="{{namespace}}", pod="api-1", phase="Failed"}}': "1x20"},
              cluster="{cluster}", namespace="{namespace}", pod="api-1"),
        quiet("before its 5m have passed", "4m",
              {f'kube_pod_status_phase{{{PROD}, namespace="{{namespace}}", pod="api-1", phase="Pending"}}': "1x20"}),
        quiet("running pods are fine", "10m",
              {f'kube_pod_status_phase{{{PROD}, namespace="{{namespace}}", pod="api-1", phase="Failed"}}': "0x20",
               f'kube_pod_status_phase{{{PROD}, namespace="{{namespace}}", pod="api-1", phase="Running"}}': "1x20"}),
        quiet("other namespaces are not ours", "10m",
              {f'kube_pod_status_phase{{{PROD}, namespace="kube-system", pod="dns-1", phase="Failed"}}': "1x20"}),
    ),
)

MongoDBConnectionIssues = alert(
    "MongoDBConnectionIssues",
    signal='min by (cluster, instance) (mongodb_connections{state="available"})',
    op="<", threshold=10, for_="2m",
    severity="critical", category="platform", panel="Database Connections",
    summary="MongoDB has fewer than {threshold} connections available",
    description="MongoDB {{ $labels.instance }} has only {{ $value }} connections available (threshold {threshold}).",
    runbook=rb.MONGODB_CONNECTION_ISSUES,
    tests=(
        fires("5 available for 5m", "5m",
              {f'mongodb_connections{{{PROD}, instance="mongodb:9216", state="available"}}': "5x10"},
              cluster="{cluster}", instance="mongodb:9216"),
        quiet("before its 2m have passed", "1m",
              {f'mongodb_connections{{{PROD}, instance="mongodb:9216", state="available"}}': "5x10"}),
        quiet("exactly 10 available is enough", "5m",
              {f'mongodb_connections{{{PROD}, instance="mongodb:9216", state="available"}}': "10x10"}),
        quiet("current connections are not available ones", "5m",
              {f'mongodb_connections{{{PROD}, instance="mongodb:9216", state="current"}}': "5x10"}),
    ),
)

RedisDown = alert(
    "RedisDown",
    signal="max by (cluster, instance) (redis_up)",
    op="==", threshold=0, for_="2m",
    severity="critical", category="platform", panel="Redis Up",
    summary="Redis {{ $labels.instance }} is down",
    description="The Redis exporter has not reached Redis {{ $labels.instance }} for {for}.",
    runbook=rb.REDIS_DOWN,
    tests=(
        fires("down for 5m", "5m", {f'redis_up{{{PROD}, instance="redis:9121"}}': "0x10"},
              cluster="{cluster}", instance="redis:9121"),
        quiet("before its 2m have passed", "1m", {f'redis_up{{{PROD}, instance="redis:9121"}}': "0x10"}),
        quiet("up is fine", "5m", {f'redis_up{{{PROD}, instance="redis:9121"}}': "1x10"}),
    ),
)

DeploymentRolloutStuck = alert(
    "DeploymentRolloutStuck",
    signal='max by (cluster, namespace, deployment) (kube_deployment_status_condition{namespace="{namespace}", '
    'condition="Progressing", status="false"})',
    op="==", threshold=1, for_="15m",
    severity="critical", category="platform", panel="Deployments Not Progressing",
    summary="Deployment {{ $labels.deployment }} is not progressing",
    description="Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has made no progress for {for}.",
    runbook=rb.DEPLOYMENT_ROLLOUT_STUCK,
    tests=(
        fires("stuck for 20m", "20m",
              {f'kube_deployment_status_condition{{{PROD}, namespace="{{namespace}}", deployment="api", '
               'condition="Progressing", status="false"}': "1x30"},
              cluster="{cluster}", namespace="{namespace}", deployment="api"),
        quiet("before its 15m have passed", "14m",
              {f'kube_deployment_status_condition{{{PROD}, namespace="{{namespace}}", deployment="api", '
               'condition="Progressing", status="false"}': "1x30"}),
        quiet("progressing is fine", "20m",
              {f'kube_deployment_status_condition{{{PROD}, namespace="{{namespace}}", deployment="api", '
               'condition="Progressing", status="false"}': "0x30"}),
        quiet("other namespaces are not ours", "20m",
              {f'kube_deployment_status_condition{{{PROD}, namespace="kube-system", deployment="dns", '
               'condition="Progressing", status="false"}': "1x30"}),
    ),
)

_CPU = 'container_cpu_usage_seconds_total{cluster="{cluster}", namespace="{namespace}", pod="api-1", container="api"}'
_CPU_LIMIT = ('kube_pod_container_resource_limits{cluster="{cluster}", namespace="{namespace}", pod="api-1", '
              'container="api", resource="cpu"}')

HighCPUUsage = alert(
    "HighCPUUsage",
    signal='sum by (cluster, namespace, pod) (rate(container_cpu_usage_seconds_total{namespace="{namespace}", '
    'container!=""}[5m])) / sum by (cluster, namespace, pod) (kube_pod_container_resource_limits{'
    'namespace="{namespace}", resource="cpu"})',
    op=">", threshold=0.80, for_="10m", unit="percentunit",
    severity="warning", category="platform", panel="Pod CPU Usage",
    summary="Pod {{ $labels.pod }} uses more than {threshold} of its CPU limit",
    description="Pod {{ $labels.namespace }}/{{ $labels.pod }} has used {{ $value | humanizePercentage }} "
    "of its CPU limit for {for} (threshold {threshold}).",
    runbook=rb.HIGH_CPU_USAGE,
    tests=(
        fires("90% for 15m", "15m", {_CPU: "0+54x30", _CPU_LIMIT: "1x30"},
              cluster="{cluster}", namespace="{namespace}", pod="api-1"),
        quiet("before its 10m have passed", "9m", {_CPU: "0+54x30", _CPU_LIMIT: "1x30"}),
        quiet("just under, at 79%", "15m", {_CPU: "0+47.4x30", _CPU_LIMIT: "1x30"}),
        quiet("other namespaces are not ours", "15m",
              {_CPU.replace("{namespace}", "batch"): "0+54x30",
               _CPU_LIMIT.replace("{namespace}", "batch"): "1x30"}),
    ),
)

_MEMORY = _CPU.replace("container_cpu_usage_seconds_total", "container_memory_working_set_bytes")
_MEMORY_LIMIT = _CPU_LIMIT.replace('resource="cpu"', 'resource="memory"')

HighMemoryUsage = alert(
    "HighMemoryUsage",
    signal='sum by (cluster, namespace, pod) (container_memory_working_set_bytes{namespace="{namespace}", '
    'container!=""}) / sum by (cluster, namespace, pod) (kube_pod_container_resource_limits{'
    'namespace="{namespace}", resource="memory"})',
    op=">", threshold=0.85, for_="10m", unit="percentunit",
    severity="warning", category="platform", panel="Pod Memory Usage",
    summary="Pod {{ $labels.pod }} uses more than {threshold} of its memory limit",
    description="Pod {{ $labels.namespace }}/{{ $labels.pod }} has used {{ $value | humanizePercentage }} "
    "of its memory limit for {for} (threshold {threshold}).",
    runbook=rb.HIGH_MEMORY_USAGE,
    tests=(
        fires("90% for 15m", "15m", {_MEMORY: "900x30", _MEMORY_LIMIT: "1000x30"},
              cluster="{cluster}", namespace="{namespace}", pod="api-1"),
        quiet("before its 10m have passed", "9m", {_MEMORY: "900x30", _MEMORY_LIMIT: "1000x30"}),
        quiet("just under, at 84%", "15m", {_MEMORY: "840x30", _MEMORY_LIMIT: "1000x30"}),
        quiet("the pod-level cgroup (container=\"\") is not counted twice", "15m",
              {_MEMORY: "500x30", _MEMORY.replace('container="api"', 'container=""'): "500x30",
               _MEMORY_LIMIT: "1000x30"}),
    ),
)

HighResponseTime = alert(
    "HighResponseTime",
    signal="histogram_quantile(0.95, sum by (cluster, service, le) (rate(http_request_duration_seconds_bucket[5m])))",
    op=">", threshold=2, for_="5m", unit="s",
    severity="warning", category="platform", panel="HTTP Response Time (p95)",
    summary="{{ $labels.service }} p95 latency is above {threshold}",
    description="The 95th percentile response time of {{ $labels.service }} has been "
    "{{ $value | humanizeDuration }} for {for} (threshold {threshold}).",
    runbook=rb.HIGH_RESPONSE_TIME,
    tests=(
        fires("all requests between 2s and 5s", "10m",
              _buckets("http_request_duration_seconds_bucket", ["0.1", "0.5", "1", "2", "5", "+Inf"], "5", 100),
              cluster="{cluster}", service="api"),
        quiet("before its 5m have passed", "5m",
              _buckets("http_request_duration_seconds_bucket", ["0.1", "0.5", "1", "2", "5", "+Inf"], "5", 100)),
        quiet("just under: all requests between 1s and 2s", "10m",
              _buckets("http_request_duration_seconds_bucket", ["0.1", "0.5", "1", "2", "5", "+Inf"], "2", 100)),
    ),
)

HighSentryErrorCount = alert(
    "HighSentryErrorCount",
    signal="sum by (cluster, service) (increase(sentry_errors_total[1h]))",
    op=">", threshold=50, for_="5m",
    severity="warning", category="platform", panel="Sentry Errors",
    summary="{{ $labels.service }} reported more than {threshold} errors to Sentry in an hour",
    description="{{ $labels.service }} reported {{ $value | humanize }} errors to Sentry in the last hour "
    "(threshold {threshold}).",
    runbook=rb.HIGH_SENTRY_ERROR_COUNT,
    tests=(
        fires("a burst of 60 errors", "70m", {f"sentry_errors_total{{{APP}}}": "0x60 60x60"},
              cluster="{cluster}", service="api"),
        quiet("before its 5m have passed", "64m", {f"sentry_errors_total{{{APP}}}": "0x60 60x60"}),
        quiet("just under: 49 errors", "70m", {f"sentry_errors_total{{{APP}}}": "0x60 49x60"}),
    ),
)

DiskSpaceLow = alert(
    "DiskSpaceLow",
    signal='node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay"}',
    op="<", threshold=0.15, for_="5m", unit="percentunit",
    severity="warning", category="platform", panel="Node Disk Space Available",
    summary="{{ $labels.instance }}:{{ $labels.mountpoint }} has less than {threshold} space left",
    description="Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} has "
    "{{ $value | humanizePercentage }} space available (threshold {threshold}).",
    runbook=rb.DISK_SPACE_LOW,
    tests=(
        fires("10% left", "10m",
              {f'node_filesystem_avail_bytes{{{PROD}, instance="node-1", mountpoint="/", fstype="ext4"}}': "10x20",
               f'node_filesystem_size_bytes{{{PROD}, instance="node-1", mountpoint="/", fstype="ext4"}}': "100x20"},
              cluster="{cluster}", instance="node-1", mountpoint="/", fstype="ext4"),
        quiet("before its 5m have passed", "4m",
              {f'node_filesystem_avail_bytes{{{PROD}, instance="node-1", mountpoint="/", fstype="ext4"}}': "10x20",
               f'node_filesystem_size_bytes{{{PROD}, instance="node-1", mountpoint="/", fstype="ext4"}}': "100x20"}),
        quiet("just over: 16% left", "10m",
              {f'node_filesystem_avail_bytes{{{PROD}, instance="node-1", mountpoint="/", fstype="ext4"}}': "16x20",
               f'node_filesystem_size_bytes{{{PROD}, instance="node-1", mountpoint="/", fstype="ext4"}}': "100x20"}),
        quiet("tmpfs is not a disk", "10m",
              {f'node_filesystem_avail_bytes{{{PROD}, instance="node-1", mountpoint="/run", fstype="tmpfs"}}': "1x20",
               f'node_filesystem_size_bytes{{{PROD}, instance="node-1", mountpoint="/run", fstype="tmpfs"}}':
               "100x20"}),
    ),
)

# --- payments ---------------------------------------------------------------------


LowPaymentSuccessRate = alert(
    "LowPaymentSuccessRate",
    signal="sum by (cluster, service) (rate(payment_success_total[10m])) / sum by (cluster, service) "
    "(rate(payment_total[10m]))",
    op="<", threshold=0.90, for_="10m", unit="percentunit",
    severity="critical", category="payments", panel="Payment Success Rate",
    summary="Payment success rate of {{ $labels.service }} is below {threshold}",
    description="Only {{ $value | humanizePercentage }} of payments succeeded over the last 10 minutes "
    "(threshold {threshold}).",
    runbook=rb.LOW_PAYMENT_SUCCESS_RATE,
    tests=(
        fires("85% for 20m", "20m",
              {f"payment_total{{{APP}}}": "0+100x40", f"payment_success_total{{{APP}}}": "0+85x40"},
              cluster="{cluster}", service="api"),
        quiet("before its 10m have passed", "9m",
              {f"payment_total{{{APP}}}": "0+100x40", f"payment_success_total{{{APP}}}": "0+85x40"}),
        quiet("just over, at 91%", "20m",
              {f"payment_total{{{APP}}}": "0+100x40", f"payment_success_total{{{APP}}}": "0+91x40"}),
    ),
)

WebhookDeliveryFailures = alert(
    "WebhookDeliveryFailures",
    signal="sum by (cluster, service) (rate(stripe_webhook_failures_total[5m]))",
    op=">", threshold=0.5, for_="5m", unit="cps",
    severity="warning", category="payments", panel="Stripe Webhook Failures",
    summary="Stripe webhooks fail more than {threshold}",
    description="Stripe webhook deliveries to {{ $labels.service }} fail {{ $value | humanize }} times per second "
    "(threshold {threshold}).",
    runbook=rb.WEBHOOK_DELIVERY_FAILURES,
    tests=(
        fires("0.6/s for 10m", "10m", {f"stripe_webhook_failures_total{{{APP}}}": "0+36x20"},
              cluster="{cluster}", service="api"),
        quiet("before its 5m have passed", "5m", {f"stripe_webhook_failures_total{{{APP}}}": "0+36x20"}),
        quiet("just under, at 0.45/s", "10m", {f"stripe_webhook_failures_total{{{APP}}}": "0+27x20"}),
    ),
)

# --- business ---------------------------------------------------------------------

TicketGenerationFailures = alert(
    "TicketGenerationFailures",
    signal="sum by (cluster, service) (rate(ticket_generation_failures_total[5m]))",
    op=">", threshold=1, for_="5m", unit="cps",
    severity="critical", category="business", panel="Ticket Generation Failures",
    summary="Ticket generation fails more than {threshold}",
    description="{{ $labels.service }} fails to generate {{ $value | humanize }} tickets per second "
    "(threshold {threshold}).",
    runbook=rb.TICKET_GENERATION_FAILURES,
    tests=(
        fires("1.1/s for 10m", "10m", {f"ticket_generation_failures_total{{{APP}}}": "0+66x20"},
              cluster="{cluster}", service="api"),
        quiet("before its 5m have passed", "5m", {f"ticket_generation_failures_total{{{APP}}}": "0+66x20"}),
        quiet("just under, at 0.9/s", "10m", {f"ticket_generation_failures_total{{{APP}}}": "0+54x20"}),
    ),
)

SlowOrderProcessing = alert(
    "SlowOrderProcessing",
    signal="histogram_quantile(0.95, sum by (cluster, service, le) "
    "(rate(order_processing_duration_seconds_bucket[10m])))",
    op=">", threshold=10, for_="10m", unit="s",
    severity="warning", category="business", panel="Order Processing Time (p95)",
    summary="Order processing p95 is above {threshold}",
    description="The 95th percentile of order processing time has been {{ $value | humanizeDuration }} "
    "for {for} (threshold {threshold}).",
    runbook=rb.SLOW_ORDER_PROCESSING,
    tests=(
        fires("all orders between 10s and 30s", "20m",
              _buckets("order_processing_duration_seconds_bucket", ["1", "5", "10", "30", "+Inf"], "30", 10),
              cluster="{cluster}", service="api"),
        quiet("before its 10m have passed", "9m",
              _buckets("order_processing_duration_seconds_bucket", ["1", "5", "10", "30", "+Inf"], "30", 10)),
        quiet("just under: all orders between 5s and 10s", "20m",
              _buckets("order_processing_duration_seconds_bucket", ["1", "5", "10", "30", "+Inf"], "10", 10)),
    ),
)

NoOrdersReceived = alert(
    "NoOrdersReceived",
    signal="sum by (cluster) (increase(orders_created_total[1h]))",
    op="==", threshold=0, for_="5m",
    severity="warning", category="business", panel="Orders Created (last hour)",
    summary="No orders in the last hour",
    description="No order has been created in cluster {{ $labels.cluster }} for an hour.",
    runbook=rb.NO_ORDERS_RECEIVED,
    tests=(
        fires("orders stopped an hour ago", "130m", {f"orders_created_total{{{APP}}}": "0+10x60 600x80"},
              cluster="{cluster}"),
        quiet("before its 5m have passed", "124m", {f"orders_created_total{{{APP}}}": "0+10x60 600x80"}),
        quiet("one order in the hour is enough", "130m",
              {f"orders_created_total{{{APP}}}": "0+10x60 600x30 601x50"}),
    ),
)

PLATFORM = RuleGroup(name="futuratickets.platform", alerts=(
    HighErrorRate, PodDown, MongoDBConnectionIssues, RedisDown, DeploymentRolloutStuck,
    HighResponseTime, HighCPUUsage, HighMemoryUsage, HighSentryErrorCount, DiskSpaceLow,
))
PAYMENTS = RuleGroup(name="futuratickets.payments", alerts=(LowPaymentSuccessRate, WebhookDeliveryFailures))
BUSINESS = RuleGroup(name="futuratickets.business", alerts=(
    TicketGenerationFailures, SlowOrderProcessing, NoOrdersReceived,
))
