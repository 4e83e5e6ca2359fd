import { Type, type Static } from '@sinclair/typebox';

export const MetricsOptions = Type.Object(
  {
    /** Serve GET /metrics (every role: deliveries happen in workers, requests in api processes). */
    enabled: Type.Boolean({ default: true }),
    /** When set, /metrics asks for `Authorization: Bearer <token>`; use ${ENV_VAR}. */
    bearerToken: Type.Optional(Type.String({ minLength: 16, maxLength: 512 })),
    /** Node process metrics (memory, CPU, event loop lag, GC). */
    processMetrics: Type.Boolean({ default: true }),
  },
  { additionalProperties: false, default: {}, description: 'Prometheus metrics' },
);
export type MetricsOptions = Static<typeof MetricsOptions>;
