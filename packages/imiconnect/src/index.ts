import type { Router } from 'express';
import { ConfigError } from '@botgate/core';
import { resolveImiconnectIntegration, type ResolvedImiconnectIntegration } from './config';
import { ImiconnectConnector, type ImiconnectConnectorDeps } from './connector';
import { createImiconnectHttp, type ImiconnectHttp, type ImiconnectRoutesDeps } from './routes';

export * from './config';
export * from './schemas';
export * from './translate';
export * from './verify';
export * from './client';
export * from './connector';
export * from './routes';
export * from './records';

export type CreateImiconnectDeps = ImiconnectRoutesDeps & ImiconnectConnectorDeps;

export interface ImiconnectConnectors {
  /** Serves POST/GET/HEAD /imiconnect/:integrationId for every integration; mount it at the app root. */
  router: Router;
  /** The webhook POST, to register on the app ahead of the mounts (optional: the router serves it too). */
  hotRoutes: ImiconnectHttp['hotRoutes'];
  /** One ChannelConnector per integration, named by integration id; register them with the core. */
  connectors: ImiconnectConnector[];
  integrations: ReadonlyMap<string, ResolvedImiconnectIntegration>;
  /** Frees the outbound keep-alive sockets. */
  close(): void;
}

/**
 * The public face of the package: validates each integration's config (ConfigError listing the
 * issues), applies defaults, and returns the webhook router and the connectors.
 */
export function createImiconnectConnectors(integrations: readonly unknown[], deps: CreateImiconnectDeps): ImiconnectConnectors {
  const resolved = new Map<string, ResolvedImiconnectIntegration>();
  for (const raw of integrations) {
    const integration = resolveImiconnectIntegration(raw);
    if (resolved.has(integration.id)) throw new ConfigError(`IMIconnect integration id "${integration.id}" is used twice`);
    resolved.set(integration.id, integration);
  }
  const connectors = [...resolved.values()].map((integration) => new ImiconnectConnector(integration, deps));
  const http = createImiconnectHttp(resolved, deps);
  return {
    router: http.router,
    hotRoutes: http.hotRoutes,
    connectors,
    integrations: resolved,
    close: () => connectors.forEach((c) => c.close()),
  };
}
