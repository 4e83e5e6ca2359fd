export { PrometheusMetrics, type PrometheusMetricsOptions, type DeliveryTally } from './prometheus-metrics';
export { ALL_METRICS, CORE_METRICS, VENDOR_METRICS, GATEWAY_METRICS, type MetricDefinition } from './metric-definitions';
export { observeRequests, tagMountPath, routeTemplate, vendorOfRoute } from './http-metrics';
export { registerQueueCollectors, type BullQueueLike } from './queue-collectors';
export { createMetricsRoutes } from './metrics-routes';
export { MetricsOptions } from './metrics-config';
