"""What the on-call engineer reads when an alert fires: one runbook per alert."""

from futuramon.dsl import runbook, step

NS = "-n futuratickets"

HIGH_ERROR_RATE = runbook(
    symptom="A service answers more than 10 requests per second with a 5xx status: users see failed "
    "checkouts, ticket pages or admin screens.",
    investigation=[
        step("Recent errors in the API logs", f"kubectl logs deployment/api {NS} --tail=100 | grep ERROR"),
        step("Error details and stack traces in Sentry: https://sentry.io/organizations/futuratickets"),
        step("Pod health: restarts, readiness, recent events", f"kubectl get pods {NS}\n"
             f"kubectl describe pod <pod-name> {NS}"),
        step("Was there a deploy in the last hour?", f"kubectl rollout history deployment/api {NS}"),
    ],
    resolution=[
        "Identify the error pattern in the logs or Sentry.",
        'If deployment-related, roll back: `./scripts/rollback-auto.sh api "High error rate"`.',
        f"If it is load or infrastructure, scale up: `kubectl scale deployment/api --replicas=5 {NS}`.",
        "Fix the root cause and redeploy.",
    ],
)

LOW_PAYMENT_SUCCESS_RATE = runbook(
    symptom="Fewer than 90% of payment attempts succeed: customers cannot buy tickets and revenue is lost.",
    investigation=[
        step("Stripe's own view of failures and declines: https://dashboard.stripe.com"),
        step("Payment errors in the API logs", f'kubectl logs deployment/api {NS} | grep -i "payment\\|stripe"'),
        step("Webhook delivery from Stripe", f'kubectl logs deployment/api {NS} | grep "webhook"'),
    ],
    resolution=[
        "Verify Stripe's API status: https://status.stripe.com.",
        "Check the webhook endpoint's health: `curl https://api.futuratickets.com/stripe/webhook`.",
        "Review recent payment errors in Sentry.",
        "Contact Stripe support if the failures are on their side.",
    ],
)

POD_DOWN = runbook(
    symptom="A pod in namespace futuratickets has been Pending, Failed or Unknown for 5 minutes.",
    investigation=[
        step("Pod status", f"kubectl get pods {NS}"),
        step("Events: scheduling, image pulls, OOM kills", f"kubectl describe pod <pod-name> {NS}"),
        step("Logs of the previous container", f"kubectl logs <pod-name> {NS} --previous"),
    ],
    resolution=[
        "Check the pod's events for a crash, OOMKilled or ImagePullBackOff.",
        "If OOMKilled, raise the memory limit.",
        "If CrashLoopBackOff, read the application logs.",
        f"Delete the pod to force a restart: `kubectl delete pod <pod-name> {NS}`.",
    ],
)

MONGODB_CONNECTION_ISSUES = runbook(
    symptom="MongoDB has fewer than 10 connections available: new requests will queue or fail to reach "
    "the database.",
    investigation=[
        step("Connection counts as MongoDB sees them", f"kubectl exec -it statefulset/mongodb {NS} -- "
             "mongosh --quiet --eval 'db.serverStatus().connections'"),
        step("Which clients hold connections", f"kubectl exec -it statefulset/mongodb {NS} -- "
             "mongosh --quiet --eval 'db.currentOp(true).inprog.length'"),
        step("Did a service scale out (more pods, more pools)?", f"kubectl get deployments {NS}"),
    ],
    resolution=[
        "If one service leaks connections, restart it: `kubectl rollout restart deployment/<service> -n futuratickets`.",
        "If load grew, lower the per-pod pool size (maxPoolSize) or raise MongoDB's connection limit.",
        "Kill long-running operations with `db.killOp(<opid>)` if they hold connections.",
    ],
)

REDIS_DOWN = runbook(
    symptom="The Redis exporter reports Redis unreachable for 2 minutes: sessions, caches and rate limits fail.",
    investigation=[
        step("Redis pod status", f"kubectl get pods {NS} -l app=redis"),
        step("Redis logs", f"kubectl logs statefulset/redis {NS} --tail=100"),
        step("Does Redis answer?", f"kubectl exec -it statefulset/redis {NS} -- redis-cli ping"),
        step("Memory and eviction", f"kubectl exec -it statefulset/redis {NS} -- redis-cli info memory"),
    ],
    resolution=[
        "If the pod is crash-looping, read its events and logs (OOMKilled → raise the memory limit).",
        f"Restart Redis: `kubectl rollout restart statefulset/redis {NS}`.",
        "If only the exporter is down, restart the exporter; Redis itself may be fine.",
    ],
)

DEPLOYMENT_ROLLOUT_STUCK = runbook(
    symptom="A deployment in namespace futuratickets has not progressed for 15 minutes (ProgressDeadlineExceeded).",
    investigation=[
        step("Rollout status", f"kubectl rollout status deployment/<deployment> {NS} --timeout=10s"),
        step("New pods and why they are not ready", f"kubectl get pods {NS} -l app=<deployment>\n"
             f"kubectl describe pod <new-pod> {NS}"),
        step("ReplicaSets of the rollout", f"kubectl get rs {NS} -l app=<deployment>"),
    ],
    resolution=[
        f"Roll back to the last good revision: `kubectl rollout undo deployment/<deployment> {NS}`.",
        "Fix what blocks the new pods (image, config, readiness probe, quota) and redeploy.",
    ],
)

TICKET_GENERATION_FAILURES = runbook(
    symptom="Ticket generation fails more than once per second: paid orders do not get their tickets.",
    investigation=[
        step("Ticket generation errors", f'kubectl logs deployment/api {NS} --tail=200 | grep -i "ticket"'),
        step("Sentry issues tagged ticket-generation: https://sentry.io/organizations/futuratickets"),
        step("Storage and PDF/QR dependencies reachable?", f"kubectl get pods {NS}"),
    ],
    resolution=[
        "Find the failing step (template, QR code, storage upload) in the logs.",
        "If a deploy caused it, roll back: `./scripts/rollback-auto.sh api \"Ticket generation failures\"`.",
        "Re-run generation for the affected orders once fixed, so no customer is left without tickets.",
    ],
)

HIGH_RESPONSE_TIME = runbook(
    symptom="A service's 95th percentile response time has been above 2 seconds for 5 minutes.",
    investigation=[
        step("Which paths are slow: open the HTTP Response Time (p95) panel and split by path"),
        step("CPU and memory of the service's pods", f"kubectl top pods {NS}"),
        step("Slow MongoDB queries", f"kubectl exec -it statefulset/mongodb {NS} -- "
             "mongosh --quiet --eval 'db.currentOp({secs_running: {$gt: 1}})'"),
    ],
    resolution=[
        f"If the pods are saturated, scale out: `kubectl scale deployment/<service> --replicas=5 {NS}`.",
        "If a query is slow, add the missing index or roll back the change that introduced it.",
        "If a dependency (Stripe, Redis) is slow, check its status and the matching alerts.",
    ],
)

HIGH_CPU_USAGE = runbook(
    symptom="A pod has used more than 80% of its CPU limit for 10 minutes: it is being throttled.",
    investigation=[
        step("CPU per pod", f"kubectl top pods {NS} --sort-by=cpu"),
        step("Limits of the pod", f"kubectl get pod <pod-name> {NS} -o jsonpath='{{.spec.containers[*].resources}}'"),
        step("Traffic: is the request rate up? Open the HTTP Requests Rate panel"),
    ],
    resolution=[
        f"Scale out the deployment: `kubectl scale deployment/<service> --replicas=<n> {NS}`.",
        "If the load is normal, raise the CPU limit in the deployment.",
        "If one pod is hot (a busy loop), restart it and open an issue with a profile.",
    ],
)

HIGH_MEMORY_USAGE = runbook(
    symptom="A pod's working set has been above 85% of its memory limit for 10 minutes: it will be OOM-killed soon.",
    investigation=[
        step("Memory per pod", f"kubectl top pods {NS} --sort-by=memory"),
        step("Earlier OOM kills", f"kubectl describe pod <pod-name> {NS} | grep -i -A3 'last state'"),
        step("Is memory growing steadily (a leak) or with traffic? Open the Pod Memory Usage panel"),
    ],
    resolution=[
        "If it grows with traffic, raise the memory limit or scale out.",
        f"If it leaks, restart the pod (`kubectl delete pod <pod-name> {NS}`) and take a heap snapshot first.",
    ],
)

HIGH_SENTRY_ERROR_COUNT = runbook(
    symptom="A service reported more than 50 errors to Sentry in the last hour.",
    investigation=[
        step("New or spiking issues in Sentry: https://sentry.io/organizations/futuratickets"),
        step("Errors in the logs of the service", f"kubectl logs deployment/<service> {NS} --tail=200 | grep ERROR"),
        step("Did a release go out in the last hour?", f"kubectl rollout history deployment/<service> {NS}"),
    ],
    resolution=[
        "Triage the top Sentry issue: a release regression is rolled back, a known issue is linked and muted.",
        "If the errors come from a third party (Stripe, email), check its status page.",
    ],
)

SLOW_ORDER_PROCESSING = runbook(
    symptom="The 95th percentile of order processing time has been above 10 seconds for 10 minutes: "
    "checkouts hang and customers may retry and double-book.",
    investigation=[
        step("Order processing logs", f'kubectl logs deployment/api {NS} --tail=200 | grep -i "order"'),
        step("Payment latency at Stripe: https://dashboard.stripe.com"),
        step("MongoDB and Redis health: see Database Connections and Redis Operations/sec panels"),
    ],
    resolution=[
        "Find the slow step (payment, ticket generation, database) in the logs or traces.",
        f"Scale the API if it is saturated: `kubectl scale deployment/api --replicas=5 {NS}`.",
        "If a dependency is slow, follow that dependency's runbook.",
    ],
)

WEBHOOK_DELIVERY_FAILURES = runbook(
    symptom="Stripe webhooks fail more than 0.5 times per second: payments are taken but orders are not confirmed.",
    investigation=[
        step("Webhook errors in the API logs", f'kubectl logs deployment/api {NS} | grep "webhook"'),
        step("Stripe's delivery log for the endpoint: https://dashboard.stripe.com/webhooks"),
        step("Is the signing secret current?", f"kubectl get secret stripe {NS} -o jsonpath='{{.metadata.resourceVersion}}'"),
    ],
    resolution=[
        "If signatures fail, rotate the webhook signing secret in Stripe and in the `stripe` Secret.",
        "If the endpoint errors, fix and redeploy; then replay the failed events from Stripe's dashboard.",
    ],
)

DISK_SPACE_LOW = runbook(
    symptom="A node filesystem has less than 15% space available.",
    investigation=[
        step("Which node and mount point: see the alert's instance and mountpoint labels"),
        step("Node disk pressure", "kubectl describe node <node> | grep -i pressure"),
        step("What fills the disk", "kubectl debug node/<node> -it --image=busybox -- du -xsh /host/var/* | sort -h"),
    ],
    resolution=[
        "Clean unused images and logs (`crictl rmi --prune` on the node).",
        "Grow the volume, or cordon and drain the node if it cannot be cleaned.",
    ],
)

NO_ORDERS_RECEIVED = runbook(
    symptom="No order has been created in the last hour: checkout may be broken end to end.",
    investigation=[
        step("Place a test order on https://futuratickets.com and watch the API logs",
             f'kubectl logs -f deployment/api {NS} | grep -i "order"'),
        step("Marketplace and API pods", f"kubectl get pods {NS}"),
        step("Payments: see the LowPaymentSuccessRate and WebhookDeliveryFailures alerts"),
    ],
    resolution=[
        "If checkout is broken, roll back the last release of api or marketplace.",
        "If traffic is simply low (night, no events on sale), confirm with the business team and close.",
    ],
)
