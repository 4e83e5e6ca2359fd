import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger, Metrics } from '@botgate/core';
import { ALL_METRICS, type MetricDefinition } from './metric-definitions';

type AnyMetric = Counter<string> | Histogram<string> | Gauge<string>;

export interface PrometheusMetricsOptions {
  logger?: Logger;
  /** Node process metrics (CPU, memory, event loop lag, GC). Default true. */
  defaultMetrics?: boolean;
  /** Extra declarations (tests, custom packages). */
  definitions?: Readonly<Record<string, MetricDefinition>>;
}

/** The per-target delivery counts the vendor health page shows. */
export interface DeliveryTally {
  target: string;
  outcomes: Record<string, number>;
}

/**
 * The core's Metrics port over prom-client. Each gateway owns its registry (several gateways
 * can live in one process, as in tests). Emitting never throws into the caller: a metric that
 * is undeclared or called with other labels is logged once and dropped, because losing a
 * sample is better than failing a delivery over it.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, AnyMetric>();
  private readonly definitions: Map<string, MetricDefinition>;
  private readonly complained = new Set<string>();

  constructor(private readonly options: PrometheusMetricsOptions = {}) {
    this.definitions = new Map(Object.entries({ ...ALL_METRICS, ...options.definitions }));
    for (const [name, definition] of this.definitions) this.metrics.set(name, this.create(name, definition));
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'botgate_process_' });
  }

  private create(name: string, definition: MetricDefinition): AnyMetric {
    const base = { name, help: definition.help, labelNames: [...definition.labels], registers: [this.registry] };
    if (definition.kind === 'counter') return new Counter(base);
    if (definition.kind === 'gauge') return new Gauge(base);
    return new Histogram({ ...base, buckets: [...(definition.buckets ?? [])] });
  }

  private use(name: string, kind: MetricDefinition['kind'], labels: Record<string, string>, apply: (metric: AnyMetric) => void): void {
    const metric = this.metrics.get(name);
    const definition = this.definitions.get(name);
    if (!metric || !definition || definition.kind !== kind) {
      this.complainOnce(name, `metric ${name} is not declared as a ${kind}`);
      return;
    }
    try {
      apply(metric);
    } catch (error) {
      this.complainOnce(name, `metric ${name} rejected a sample: ${(error as Error).message}`, labels);
    }
  }

  private complainOnce(name: string, message: string, labels?: Record<string, string>): void {
    if (this.complained.has(name)) return;
    this.complained.add(name);
    this.options.logger?.warn(message, labels ? { labels: Object.keys(labels) } : undefined);
  }

  count(name: string, labels: Record<string, string> = {}, value = 1): void {
    this.use(name, 'counter', labels, (metric) => (metric as Counter<string>).inc(labels, value));
  }

  observe(name: string, labels: Record<string, string>, value: number): void {
    this.use(name, 'histogram', labels, (metric) => (metric as Histogram<string>).observe(labels, value));
  }

  gauge(name: string, labels: Record<string, string>, value: number): void {
    this.use(name, 'gauge', labels, (metric) => (metric as Gauge<string>).set(labels, value));
  }

  /** Delivery outcomes per target counted by this process since it started. */
  async deliveryTallies(): Promise<DeliveryTally[]> {
    const counter = this.metrics.get('botgate_deliveries_total');
    if (!counter) return [];
    const byTarget = new Map<string, Record<string, number>>();
    for (const sample of (await counter.get()).values) {
      const target = String(sample.labels.target ?? '');
      const outcome = String(sample.labels.outcome ?? '');
      const outcomes = byTarget.get(target) ?? {};
      outcomes[outcome] = (outcomes[outcome] ?? 0) + sample.value;
      byTarget.set(target, outcomes);
    }
    return [...byTarget].map(([target, outcomes]) => ({ target, outcomes }));
  }

  /** Text exposition for GET /metrics. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
