"""The metrics contract: every series an alert or panel may read (contract section 2).

A typo in a metric name, or `rate()` over a gauge, is caught by `futuramon validate` against this list.
"""

from futuramon.dsl import Metric

APP = ("service",)

METRICS = [
    # application metrics; every app series carries `service` (api, admin, marketplace)
    Metric(name="http_requests_total", type="counter", labels=(*APP, "method", "path", "status")),
    Metric(name="http_request_duration_seconds", type="histogram", labels=(*APP, "method", "path", "le")),
    Metric(name="orders_created_total", type="counter", labels=APP),
    Metric(name="payment_total", type="counter", labels=APP),
    Metric(name="payment_success_total", type="counter", labels=APP),
    Metric(name="tickets_active_total", type="gauge", labels=APP),
    Metric(name="ticket_generation_failures_total", type="counter", labels=APP),
    Metric(name="stripe_webhook_failures_total", type="counter", labels=APP),
    Metric(name="sentry_errors_total", type="counter", labels=APP),
    Metric(name="order_processing_duration_seconds", type="histogram", labels=(*APP, "le")),
    # infrastructure metrics from standard exporters
    Metric(name="kube_pod_status_phase", type="gauge", labels=("namespace", "pod", "phase"),
           source="kube-state-metrics"),
    Metric(name="kube_deployment_status_condition", type="gauge",
           labels=("namespace", "deployment", "condition", "status"), source="kube-state-metrics"),
    Metric(name="kube_deployment_status_observed_generation", type="gauge", labels=("namespace", "deployment"),
           source="kube-state-metrics"),
    Metric(name="kube_pod_container_resource_limits", type="gauge",
           labels=("namespace", "pod", "container", "resource"), source="kube-state-metrics"),
    Metric(name="container_cpu_usage_seconds_total", type="counter", labels=("namespace", "pod", "container"),
           source="cAdvisor"),
    Metric(name="container_memory_working_set_bytes", type="gauge", labels=("namespace", "pod", "container"),
           source="cAdvisor"),
    Metric(name="node_filesystem_avail_bytes", type="gauge", labels=("instance", "mountpoint", "fstype"),
           source="node-exporter"),
    Metric(name="node_filesystem_size_bytes", type="gauge", labels=("instance", "mountpoint", "fstype"),
           source="node-exporter"),
    Metric(name="mongodb_connections", type="gauge", labels=("state",), source="mongodb exporter"),
    Metric(name="redis_up", type="gauge", source="redis exporter"),
    Metric(name="redis_commands_processed_total", type="counter", source="redis exporter"),
]
