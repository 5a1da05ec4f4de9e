"""What Haven counts, in Prometheus terms: one place that names every metric GET /metrics shows."""

from prometheus_client import Counter, Gauge, Histogram

ANSWERS_RECORDED = Counter("haven_answers_recorded", "Answers committed, by ritual kind.", ["kind"])
ANSWERS_REFUSED = Counter(
    "haven_answers_refused", "Answers refused with a line for the person, by ritual kind.", ["kind"]
)
MESSAGES_SENT = Counter(
    "haven_messages_sent",
    "Messages a platform accepted, by platform and method.",
    ["platform", "method"],
)
SEND_FAILURES = Counter(
    "haven_send_failures", "Platform calls that failed for good, by platform.", ["platform"]
)
SEND_RETRIES = Counter(
    "haven_send_retries",
    "Platform calls tried again (429, 5xx, network), by platform.",
    ["platform"],
)
SCHEDULER_LAG = Histogram(
    "haven_scheduler_lag_seconds",
    "How late a scheduled job started after its due time.",
    buckets=(0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 3600),
)
SCHEDULING = Gauge("haven_scheduler_running", "1 while this replica runs the scheduler, else 0.")
REQUEST_SECONDS = Histogram(
    "haven_request_seconds",
    "HTTP request latency until the response, by route and status class.",
    ["route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTBOX_FAILED = Counter(
    "haven_outbox_failed",
    "Outbox messages given up on (not sent before their give-up time, or refused), by platform.",
    ["platform"],
)
OUTBOX_DEPTH = Gauge("haven_outbox_depth", "Outbox messages waiting to be sent.")
OUTBOX_OLDEST = Gauge(
    "haven_outbox_oldest_seconds", "Age of the oldest outbox message waiting to be sent."
)
