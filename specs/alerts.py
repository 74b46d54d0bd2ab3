"""The 15 FuturaTickets alerts, each with the cases that prove it fires when it should.

Each alert states one firing case; futuramon works out its moment and labels, and derives the cases quiet
before its `for` has passed and just below its threshold (futuramon/cases.py). The quiet cases written here
prove what the expression leaves out.
"""

from futuramon.dsl import RuleGroup, alert, counter, fires, gauge, histogram, quiet, series

from . import runbooks as rb

PROD = {"cluster": "{cluster}"}  # {cluster}, {namespace}: filled in per environment (specs/environments.py)
APP = PROD | {"service": "api"}
HERE = PROD | {"namespace": "{namespace}"}


def _pod(namespace: str = "{namespace}", container: str = "api") -> dict[str, str]:
    return PROD | {"namespace": namespace, "pod": "api-1", "container": container}


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
        fires(counter("http_requests_total", APP | {"status": "500"}, per_second=11)),
        quiet("4xx are not 5xx", counter("http_requests_total", APP | {"status": "404"}, per_second=11), at="15m"),
    ),
)

_POD = HERE | {"pod": "api-1"}

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
        fires(gauge("kube_pod_status_phase", _POD | {"phase": "Failed"}, value=1)),
        quiet("running pods are fine", gauge("kube_pod_status_phase", _POD | {"phase": "Running"}, value=1), at="10m"),
        quiet("other namespaces are not ours",
              gauge("kube_pod_status_phase", _POD | {"namespace": "kube-system", "phase": "Failed"}, value=1),
              at="10m"),
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
        fires(gauge("mongodb_connections", PROD | {"instance": "mongodb:9216", "state": "available"}, value=5)),
        quiet("current connections are not available ones",
              gauge("mongodb_connections", PROD | {"instance": "mongodb:9216", "state": "current"}, value=5), at="5m"),
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
        fires(gauge("redis_up", PROD | {"instance": "redis:9121"}, value=0), below=False),
        quiet("up is fine", gauge("redis_up", PROD | {"instance": "redis:9121"}, value=1), at="5m"),
    ),
)

_STUCK = HERE | {"deployment": "api", "condition": "Progressing", "status": "false"}

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
        fires(gauge("kube_deployment_status_condition", _STUCK, value=1), below=False),
        quiet("progressing is fine", gauge("kube_deployment_status_condition", _STUCK, value=0), at="20m"),
        quiet("other namespaces are not ours", gauge("kube_deployment_status_condition",
                                                     _STUCK | {"namespace": "kube-system"}, value=1), at="20m"),
    ),
)

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
        fires(counter("container_cpu_usage_seconds_total", _pod(), per_second=0.9),
              gauge("kube_pod_container_resource_limits", _pod() | {"resource": "cpu"}, value=1)),
        quiet("other namespaces are not ours",
              counter("container_cpu_usage_seconds_total", _pod("batch"), per_second=0.9),
              gauge("kube_pod_container_resource_limits", _pod("batch") | {"resource": "cpu"}, value=1), at="20m"),
    ),
)

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
        fires(gauge("container_memory_working_set_bytes", _pod(), value=900),
              gauge("kube_pod_container_resource_limits", _pod() | {"resource": "memory"}, value=1000)),
        quiet("the pod-level cgroup (container=\"\") is not counted twice",
              gauge("container_memory_working_set_bytes", _pod(), value=500),
              gauge("container_memory_working_set_bytes", _pod(container=""), value=500),
              gauge("kube_pod_container_resource_limits", _pod() | {"resource": "memory"}, value=1000), at="15m"),
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
        fires(histogram("http_request_duration_seconds", APP, per_second=2, between=(2, 5),
                        buckets=(0.1, 0.5, 1, 2, 5))),
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
    tests=(fires(counter("sentry_errors_total", APP, per_second=0.02)),),
)

_DISK = PROD | {"instance": "node-1", "mountpoint": "/", "fstype": "ext4"}
_TMPFS = {"mountpoint": "/run", "fstype": "tmpfs"}

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
        fires(gauge("node_filesystem_avail_bytes", _DISK, value=10),
              gauge("node_filesystem_size_bytes", _DISK, value=100)),
        quiet("tmpfs is not a disk", gauge("node_filesystem_avail_bytes", _DISK | _TMPFS, value=1),
              gauge("node_filesystem_size_bytes", _DISK | _TMPFS, value=100), at="10m"),
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
        fires(counter("payment_success_total", APP, per_second=0.85), counter("payment_total", APP, per_second=1)),
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
    tests=(fires(counter("stripe_webhook_failures_total", APP, per_second=0.6)),),
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
    tests=(fires(counter("ticket_generation_failures_total", APP, per_second=1.1)),),
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
        fires(histogram("order_processing_duration_seconds", APP, per_second=0.2, between=(10, 30),
                        buckets=(1, 5, 10, 30))),
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
        fires(counter("orders_created_total", APP, per_second=0), name="no order at all", below=False),
        quiet("one order in the hour is enough", series("orders_created_total", APP, values="0x30 1x50"), at="70m"),
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
