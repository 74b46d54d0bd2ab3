"""Who hears about what: receivers, the routing tree, inhibit rules, and the cases that prove them."""

from futuramon.dsl import Discord, Inhibit, InhibitCase, Receiver, RouteCase, Routing, Slack, route

SLACK = "slack-webhook-url"  # keys of the `alertmanager-webhooks` Secret
DISCORD = "discord-webhook-url"

RECEIVERS = [
    Receiver(name="warnings", slack=(Slack(channel="#alerts-warnings", webhook_file=SLACK),)),
    Receiver(
        name="critical",
        slack=(Slack(channel="#alerts-critical", webhook_file=SLACK),),
        discord=(Discord(webhook_file=DISCORD),),
    ),
    Receiver(name="business", slack=(Slack(channel="#business-alerts", webhook_file=SLACK),)),
    Receiver(name="payments", slack=(Slack(channel="#payments-alerts", webhook_file=SLACK),)),
]

ROUTING = Routing(
    receiver="warnings",  # nothing is ever dropped
    group_by=("alertname", "cluster", "service"),
    group_wait="30s",
    group_interval="5m",
    repeat_interval="12h",
    routes=(
        route('category="payments"', receiver="payments", repeat_interval="2h", continue_=True),
        route('category="business"', receiver="business", repeat_interval="24h", continue_=True),
        route('severity="critical"', receiver="critical", repeat_interval="4h"),
        route('severity="warning"', receiver="warnings", repeat_interval="12h"),
    ),
    inhibit=(
        # a critical alert mutes the warnings of its own service; one without a `service` label (RedisDown,
        # PodDown) would mute every service-less warning of the cluster, as a label missing on both sides is equal
        Inhibit(
            source=('severity="critical"', 'service=~".+"'),
            target=('severity="warning"',),
            equal=("cluster", "service"),
            tests=(
                InhibitCase(source={"alertname": "HighErrorRate", "severity": "critical", "cluster": "prod",
                                    "service": "api", "namespace": "{namespace}"},
                            target={"alertname": "HighResponseTime", "severity": "warning", "cluster": "prod",
                                    "service": "api", "namespace": "{namespace}"},
                            inhibited=True),
                InhibitCase(source={"alertname": "HighErrorRate", "severity": "critical", "cluster": "prod",
                                    "service": "api"},
                            target={"alertname": "HighResponseTime", "severity": "warning", "cluster": "prod",
                                    "service": "marketplace"},
                            inhibited=False),
                InhibitCase(source={"alertname": "RedisDown", "severity": "critical", "cluster": "prod",
                                    "service": "api"},
                            target={"alertname": "HighResponseTime", "severity": "warning", "cluster": "staging",
                                    "service": "api"},
                            inhibited=False),
                InhibitCase(source={"alertname": "RedisDown", "severity": "critical", "cluster": "prod",
                                    "instance": "redis:9121"},
                            target={"alertname": "DiskSpaceLow", "severity": "warning", "cluster": "prod",
                                    "instance": "node-1", "mountpoint": "/"},
                            inhibited=False),
            ),
        ),
        Inhibit(
            source=('alertname="PodDown"',),
            target=('alertname=~"HighCPUUsage|HighMemoryUsage"',),
            equal=("namespace", "pod"),
            tests=(
                InhibitCase(source={"alertname": "PodDown", "namespace": "{namespace}", "pod": "api-1"},
                            target={"alertname": "HighMemoryUsage", "namespace": "{namespace}", "pod": "api-1"},
                            inhibited=True),
                InhibitCase(source={"alertname": "PodDown", "namespace": "{namespace}", "pod": "api-1"},
                            target={"alertname": "HighCPUUsage", "namespace": "{namespace}", "pod": "api-2"},
                            inhibited=False),
            ),
        ),
    ),
    tests=(
        RouteCase(labels={"category": "payments", "severity": "critical"}, receivers=("payments", "critical")),
        RouteCase(labels={"category": "payments", "severity": "warning"}, receivers=("payments", "warnings")),
        RouteCase(labels={"category": "business", "severity": "warning"}, receivers=("business", "warnings")),
        RouteCase(labels={"category": "business", "severity": "critical"}, receivers=("business", "critical")),
        RouteCase(labels={"category": "platform", "severity": "critical"}, receivers=("critical",)),
        RouteCase(labels={"category": "platform", "severity": "warning"}, receivers=("warnings",)),
        RouteCase(labels={"alertname": "Watchdog"}, receivers=("warnings",)),
    ),
)
