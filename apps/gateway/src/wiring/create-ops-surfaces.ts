import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger, StorageDriver } from '@botgate/core';
import type { RedisStorageDriver } from '@botgate/redis';
import { createAdminRouter } from '../admin/create-admin-router';
import type { GatewayConfig } from '../config/schema';
import type { GatewayAppDeps } from '../http/create-gateway-app';
import type { PrometheusMetrics } from '../metrics/prometheus-metrics';
import { buildOpenApiDocument, type OpenApiSurfaces } from '../openapi/openapi-document';
import type { GatewayParts } from './assemble-gateway';

/** apps/gateway/package.json's version; this file sits at apps/gateway/{src,dist}/wiring/. */
function gatewayVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function isRedisDriver(storage: StorageDriver): storage is RedisStorageDriver {
  return storage.kind === 'redis' && 'bullQueues' in storage;
}

/** /metrics, /openapi.json and /admin for createGatewayApp, per role and config. */
export function createOpsSurfaces(
  config: GatewayConfig,
  deps: { parts: GatewayParts; storage: StorageDriver; metrics: PrometheusMetrics; logger: Logger },
): Pick<GatewayAppDeps, 'metrics' | 'admin' | 'openapi'> {
  const { parts, storage, metrics } = deps;
  const servesIntake = config.role !== 'worker';
  const adminOptions = config.admin && config.admin.enabled && servesIntake ? config.admin : undefined;
  const bullQueues = isRedisDriver(storage) ? () => storage.bullQueues() : undefined;
  const admin = adminOptions
    ? createAdminRouter({
        options: adminOptions,
        sources: {
          storage,
          breakers: () => parts.router.breakers(),
          connectors: () => [...parts.connectors.keys()],
          desks: () => [...parts.desks.keys()],
          deliveryTallies: () => metrics.deliveryTallies(),
        },
        ...(bullQueues ? { bullQueues } : {}),
        logger: deps.logger.child({ component: 'admin' }),
      })
    : undefined;
  const surfaces: OpenApiSurfaces = {
    apiChannel: servesIntake && !!parts.apiChannel?.router,
    iadvize: parts.mounts.some((m) => m.path === '/iadvize'),
    imiconnect: servesIntake && config.channels.imiconnect.integrations.length > 0,
    aivo: servesIntake && config.desks.aivo.length > 0,
    admin: admin ? { bullBoard: !!bullQueues } : false,
    metrics: config.metrics.enabled ? { bearerToken: !!config.metrics.bearerToken } : false,
  };
  return {
    metrics: { registry: metrics, serve: config.metrics.enabled, ...(config.metrics.bearerToken ? { bearerToken: config.metrics.bearerToken } : {}) },
    ...(admin ? { admin } : {}),
    openapi: () => buildOpenApiDocument(surfaces, gatewayVersion()),
  };
}
