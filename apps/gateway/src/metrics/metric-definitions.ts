// Every metric the core and the vendor packages emit through the Metrics port, declared once
// with its type, labels and help text. Prometheus wants one fixed label set per metric: a
// declaration here is that contract (grep `metrics.` in packages/*/src to find the emitters).

export type MetricKind = 'counter' | 'histogram' | 'gauge';

export interface MetricDefinition {
  kind: MetricKind;
  help: string;
  labels: readonly string[];
  /** Histograms only. */
  buckets?: readonly number[];
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;
const MILLISECONDS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000] as const;

export const CORE_METRICS: Readonly<Record<string, MetricDefinition>> = {
  botgate_inbound_events_total: {
    kind: 'counter',
    help: 'Inbound events accepted by the router, by vendor and canonical event type',
    labels: ['vendor', 'type'],
  },
  botgate_inbound_duplicates_total: {
    kind: 'counter',
    help: 'Inbound events dropped as duplicates of an already queued vendor message id',
    labels: ['vendor'],
  },
  botgate_deliveries_total: {
    kind: 'counter',
    help: 'Outbound delivery attempts by target (connector or desk) and outcome (sent, retry, paused, rate_limited, dead_lettered)',
    labels: ['target', 'outcome'],
  },
  botgate_delivery_seconds: {
    kind: 'histogram',
    help: 'Duration of successful outbound deliveries by target',
    labels: ['target'],
    buckets: SECONDS,
  },
  botgate_handoffs_total: {
    kind: 'counter',
    help: 'Handoff transitions by desk and outcome (queued, attended, released, failed, fallback)',
    labels: ['desk', 'outcome'],
  },
  botgate_bot_turn_seconds: {
    kind: 'histogram',
    help: 'Bot turn latency by bot id',
    labels: ['bot'],
    buckets: SECONDS,
  },
  botgate_bot_failures_total: {
    kind: 'counter',
    help: 'Bot turns that failed, timed out or answered garbage (the fallback text was said)',
    labels: ['bot'],
  },
  botgate_breaker_state: {
    kind: 'gauge',
    help: 'Circuit breaker state per delivery target in this process: 0 closed, 1 half-open, 2 open',
    labels: ['target'],
  },
};

export const VENDOR_METRICS: Readonly<Record<string, MetricDefinition>> = {
  imiconnect_events_total: {
    kind: 'counter',
    help: 'IMIconnect webhook events accepted, by integration, event kind and whether it was a duplicate',
    labels: ['connector', 'kind', 'duplicate'],
  },
  imiconnect_unknown_events_total: {
    kind: 'counter',
    help: 'IMIconnect webhook events acknowledged but not understood',
    labels: ['connector'],
  },
  imiconnect_webhook_ack_ms: {
    kind: 'histogram',
    help: 'Time to acknowledge an IMIconnect webhook call, in milliseconds',
    labels: ['connector'],
    buckets: MILLISECONDS,
  },
  imiconnect_outbound_total: {
    kind: 'counter',
    help: 'Calls to the IMIconnect outbound API by integration and call kind',
    labels: ['connector', 'what'],
  },
  imiconnect_outbound_ms: {
    kind: 'histogram',
    help: 'Duration of IMIconnect outbound API calls, in milliseconds',
    labels: ['connector', 'what'],
    buckets: MILLISECONDS,
  },
  aivo_events_total: {
    kind: 'counter',
    help: 'Aivo Live agent events received by desk, event type and outcome',
    labels: ['desk', 'type', 'outcome'],
  },
};

/** Metrics the gateway itself records (HTTP, queues). */
export const GATEWAY_METRICS: Readonly<Record<string, MetricDefinition>> = {
  botgate_http_requests_total: {
    kind: 'counter',
    help: 'HTTP requests by vendor surface, method, route template and status code',
    labels: ['vendor', 'method', 'route', 'status'],
  },
  botgate_http_request_seconds: {
    kind: 'histogram',
    help: 'HTTP request latency by vendor surface, method and route template',
    labels: ['vendor', 'method', 'route'],
    buckets: SECONDS,
  },
};

export const ALL_METRICS: Readonly<Record<string, MetricDefinition>> = { ...CORE_METRICS, ...VENDOR_METRICS, ...GATEWAY_METRICS };
