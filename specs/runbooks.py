"""What the on-call engineer reads when an alert fires: one runbook per alert.

`{threshold}`, `{for}`, `{namespace}`, `{alert}`, `{severity}`, `{category}` are filled in from the alert
when the runbook is rendered, so a changed threshold changes its runbook (and `validate` flags a number
written by hand that is not the threshold).
"""

from futuramon.dsl import runbook, step

HIGH_ERROR_RATE = runbook(
    symptom="A service has answered more than {threshold} with a 5xx status for {for}: users see failed "
    "checkouts, ticket pages or admin screens.",
    investigation=[
        step("Recent errors in the API logs", "kubectl logs deployment/api -n {namespace} --tail=100 | grep ERROR"),
        step("Error details and stack traces in Sentry: https://sentry.io/organizations/futuratickets"),
        step("Pod health: restarts, readiness, recent events", "kubectl get pods -n {namespace}\n"
             "kubectl describe pod <pod-name> -n {namespace}"),
        step("Was there a deploy in the last hour?", "kubectl rollout history deployment/api -n {namespace}"),
    ],
    resolution=[
        "Identify the error pattern in the logs or Sentry.",
        'If deployment-related, roll back: `./scripts/rollback-auto.sh api "High error rate"`.',
        "If it is load or infrastructure, scale up: `kubectl scale deployment/api --replicas=5 -n {namespace}`.",
        "Fix the root cause and redeploy.",
    ],
)

LOW_PAYMENT_SUCCESS_RATE = runbook(
    symptom="Fewer than {threshold} of payment attempts have succeeded for {for}: customers cannot buy tickets and "
    "revenue is lost.",
    investigation=[
        step("Stripe's own view of failures and declines: https://dashboard.stripe.com"),
        step("Payment errors in the API logs",
             'kubectl logs deployment/api -n {namespace} | grep -i "payment\\|stripe"'),
        step("Webhook delivery from Stripe", 'kubectl logs deployment/api -n {namespace} | grep "webhook"'),
    ],
    resolution=[
        "Verify Stripe's API status: https://status.stripe.com.",
        "Check the webhook endpoint's health: `curl https://api.futuratickets.com/stripe/webhook`.",
        "Review recent payment errors in Sentry.",
        "Contact Stripe support if the failures are on their side.",
    ],
)

POD_DOWN = runbook(
    symptom="A pod in namespace {namespace} has been Pending, Failed or Unknown for {for}.",
    investigation=[
        step("Pod status", "kubectl get pods -n {namespace}"),
        step("Events: scheduling, image pulls, OOM kills", "kubectl describe pod <pod-name> -n {namespace}"),
        step("Logs of the previous container", "kubectl logs <pod-name> -n {namespace} --previous"),
    ],
    resolution=[
        "Check the pod's events for a crash, OOMKilled or ImagePullBackOff.",
        "If OOMKilled, raise the memory limit.",
        "If CrashLoopBackOff, read the application logs.",
        "Delete the pod to force a restart: `kubectl delete pod <pod-name> -n {namespace}`.",
    ],
)

MONGODB_CONNECTION_ISSUES = runbook(
    symptom="MongoDB has had fewer than {threshold} connections available for {for}: new requests will queue or "
    "fail to reach the database.",
    investigation=[
        step("Connection counts as MongoDB sees them", "kubectl exec -it statefulset/mongodb -n {namespace} -- "
             "mongosh --quiet --eval 'db.serverStatus().connections'"),
        step("Which clients hold connections", "kubectl exec -it statefulset/mongodb -n {namespace} -- "
             "mongosh --quiet --eval 'db.currentOp(true).inprog.length'"),
        step("Did a service scale out (more pods, more pools)?", "kubectl get deployments -n {namespace}"),
    ],
    resolution=[
        "If one service leaks connections, restart it: `kubectl rollout restart deployment/<service> -n {namespace}`.",
        "If load grew, lower the per-pod pool size (maxPoolSize) or raise MongoDB's connection limit.",
        "Kill long-running operations with `db.killOp(<opid>)` if they hold connections.",
    ],
)

REDIS_DOWN = runbook(
    symptom="The Redis exporter has reported Redis unreachable for {for}: sessions, caches and rate limits fail.",
    investigation=[
        step("Redis pod status", "kubectl get pods -n {namespace} -l app=redis"),
        step("Redis logs", "kubectl logs statefulset/redis -n {namespace} --tail=100"),
        step("Does Redis answer?", "kubectl exec -it statefulset/redis -n {namespace} -- redis-cli ping"),
        step("Memory and eviction", "kubectl exec -it statefulset/redis -n {namespace} -- redis-cli info memory"),
    ],
    resolution=[
        "If the pod is crash-looping, read its events and logs (OOMKilled → raise the memory limit).",
        "Restart Redis: `kubectl rollout restart statefulset/redis -n {namespace}`.",
        "If only the exporter is down, restart the exporter; Redis itself may be fine.",
    ],
)

DEPLOYMENT_ROLLOUT_STUCK = runbook(
    symptom="A deployment in namespace {namespace} has not progressed for {for} (ProgressDeadlineExceeded).",
    investigation=[
        step("Rollout status", "kubectl rollout status deployment/<deployment> -n {namespace} --timeout=10s"),
        step("New pods and why they are not ready", "kubectl get pods -n {namespace} -l app=<deployment>\n"
             "kubectl describe pod <new-pod> -n {namespace}"),
        step("ReplicaSets of the rollout", "kubectl get rs -n {namespace} -l app=<deployment>"),
    ],
    resolution=[
        "Roll back to the last good revision: `kubectl rollout undo deployment/<deployment> -n {namespace}`.",
        "Fix what blocks the new pods (image, config, readiness probe, quota) and redeploy.",
    ],
)

TICKET_GENERATION_FAILURES = runbook(
    symptom="Ticket generation has failed more than {threshold} for {for}: paid orders do not get their tickets.",
    investigation=[
        step("Ticket generation errors", 'kubectl logs deployment/api -n {namespace} --tail=200 | grep -i "ticket"'),
        step("Sentry issues tagged ticket-generation: https://sentry.io/organizations/futuratickets"),
        step("Storage and PDF/QR dependencies reachable?", "kubectl get pods -n {namespace}"),
    ],
    resolution=[
        "Find the failing step (template, QR code, storage upload) in the logs.",
        "If a deploy caused it, roll back: `./scripts/rollback-auto.sh api \"Ticket generation failures\"`.",
        "Re-run generation for the affected orders once fixed, so no customer is left without tickets.",
    ],
)

HIGH_RESPONSE_TIME = runbook(
    symptom="A service's 95th percentile response time has been above {threshold} for {for}.",
    investigation=[
        step("Which paths are slow: open the HTTP Response Time (p95) panel and split by path"),
        step("CPU and memory of the service's pods", "kubectl top pods -n {namespace}"),
        step("Slow MongoDB queries", "kubectl exec -it statefulset/mongodb -n {namespace} -- "
             "mongosh --quiet --eval 'db.currentOp({secs_running: {$gt: 1}})'"),
    ],
    resolution=[
        "If the pods are saturated, scale out: `kubectl scale deployment/<service> --replicas=5 -n {namespace}`.",
        "If a query is slow, add the missing index or roll back the change that introduced it.",
        "If a dependency (Stripe, Redis) is slow, check its status and the matching alerts.",
    ],
)

HIGH_CPU_USAGE = runbook(
    symptom="A pod has used more than {threshold} of its CPU limit for {for}: it is being throttled.",
    investigation=[
        step("CPU per pod", "kubectl top pods -n {namespace} --sort-by=cpu"),
        step("Limits of the pod",
             "kubectl get pod <pod-name> -n {namespace} -o jsonpath='{.spec.containers[*].resources}'"),
        step("Traffic: is the request rate up? Open the HTTP Requests Rate panel"),
    ],
    resolution=[
        "Scale out the deployment: `kubectl scale deployment/<service> --replicas=<n> -n {namespace}`.",
        "If the load is normal, raise the CPU limit in the deployment.",
        "If one pod is hot (a busy loop), restart it and open an issue with a profile.",
    ],
)

HIGH_MEMORY_USAGE = runbook(
    symptom="A pod's working set has been above {threshold} of its memory limit for {for}: it will be OOM-killed "
    "soon.",
    investigation=[
        step("Memory per pod", "kubectl top pods -n {namespace} --sort-by=memory"),
        step("Earlier OOM kills", "kubectl describe pod <pod-name> -n {namespace} | grep -i -A3 'last state'"),
        step("Is memory growing steadily (a leak) or with traffic? Open the Pod Memory Usage panel"),
    ],
    resolution=[
        "If it grows with traffic, raise the memory limit or scale out.",
        "If it leaks, restart the pod (`kubectl delete pod <pod-name> -n {namespace}`) and take a heap snapshot first.",
    ],
)

HIGH_SENTRY_ERROR_COUNT = runbook(
    symptom="A service has reported more than {threshold} errors to Sentry within an hour, for {for}.",
    investigation=[
        step("New or spiking issues in Sentry: https://sentry.io/organizations/futuratickets"),
        step("Errors in the logs of the service",
             "kubectl logs deployment/<service> -n {namespace} --tail=200 | grep ERROR"),
        step("Did a release go out in the last hour?", "kubectl rollout history deployment/<service> -n {namespace}"),
    ],
    resolution=[
        "Triage the top Sentry issue: a release regression is rolled back, a known issue is linked and muted.",
        "If the errors come from a third party (Stripe, email), check its status page.",
    ],
)

SLOW_ORDER_PROCESSING = runbook(
    symptom="The 95th percentile of order processing time has been above {threshold} for {for}: "
    "checkouts hang and customers may retry and double-book.",
    investigation=[
        step("Order processing logs", 'kubectl logs deployment/api -n {namespace} --tail=200 | grep -i "order"'),
        step("Payment latency at Stripe: https://dashboard.stripe.com"),
        step("MongoDB and Redis health: see Database Connections and Redis Operations/sec panels"),
    ],
    resolution=[
        "Find the slow step (payment, ticket generation, database) in the logs or traces.",
        "Scale the API if it is saturated: `kubectl scale deployment/api --replicas=5 -n {namespace}`.",
        "If a dependency is slow, follow that dependency's runbook.",
    ],
)

WEBHOOK_DELIVERY_FAILURES = runbook(
    symptom="Stripe webhooks have failed more than {threshold} for {for}: payments are taken but orders are not "
    "confirmed.",
    investigation=[
        step("Webhook errors in the API logs", 'kubectl logs deployment/api -n {namespace} | grep "webhook"'),
        step("Stripe's delivery log for the endpoint: https://dashboard.stripe.com/webhooks"),
        step("Is the signing secret current?",
             "kubectl get secret stripe -n {namespace} -o jsonpath='{.metadata.resourceVersion}'"),
    ],
    resolution=[
        "If signatures fail, rotate the webhook signing secret in Stripe and in the `stripe` Secret.",
        "If the endpoint errors, fix and redeploy; then replay the failed events from Stripe's dashboard.",
    ],
)

DISK_SPACE_LOW = runbook(
    symptom="A node filesystem has had less than {threshold} space available for {for}.",
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
    symptom="No order has been created in the last hour, for {for} now: checkout may be broken end to end.",
    investigation=[
        step("Place a test order on https://futuratickets.com and watch the API logs",
             'kubectl logs -f deployment/api -n {namespace} | grep -i "order"'),
        step("Marketplace and API pods", "kubectl get pods -n {namespace}"),
        step("Payments: see the LowPaymentSuccessRate and WebhookDeliveryFailures alerts"),
    ],
    resolution=[
        "If checkout is broken, roll back the last release of api or marketplace.",
        "If traffic is simply low (night, no events on sale), confirm with the business team and close.",
    ],
)
