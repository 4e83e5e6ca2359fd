import type { Router as ExpressRouter } from 'express';
import { ConfigError, type AgentDesk, type RecordStore } from '@botgate/core';
import { AivoClient } from './client';
import { resolveAivoDesk, type ResolvedAivoDesk } from './config';
import { AivoDesk } from './desk';
import type { AivoIngestDeps } from './ingest';
import { AivoPoller } from './poller';
import { createAivoRouter, type AivoRoutedDesk } from './routes';
import { AivoSessions } from './sessions';

export * from './config';
export * from './schemas';
export * from './translate';
export * from './verify';
export * from './client';
export * from './sessions';
export * from './desk';
export * from './ingest';
export * from './routes';
export * from './poller';

export interface CreateAivoDesksDeps extends AivoIngestDeps {
  /** Where each desk keeps the Aivo conversations it holds open (storage.records). */
  records: RecordStore;
  /** Largest webhook body. Default 256kb. */
  bodyLimit?: string;
}

export interface GroupValidation {
  desk: string;
  /** ok: every configured group exists; unknown: some do not; unavailable: GET /group failed or said nothing usable. */
  status: 'ok' | 'unknown' | 'unavailable';
  unknownGroups?: number[];
}

export interface AivoDesks {
  /** One AgentDesk per config entry, named by its id: register them with the core router. */
  desks: Map<string, AgentDesk>;
  /** Serves POST /aivo/:deskId/events for the webhook desks; mount it at the app root. */
  router: ExpressRouter;
  /** One per polling desk; start them in processes that should poll (not started here). */
  pollers: AivoPoller[];
  configs: ReadonlyMap<string, ResolvedAivoDesk>;
  /** GET /group per desk; warns about unknown groups or an unreachable API, never throws. */
  validateGroups(): Promise<GroupValidation[]>;
  startPollers(): void;
  /** Stops the pollers and frees keep-alive sockets. */
  close(): Promise<void>;
}

/** The public face of the package: validates every desk (ConfigError), builds desks, webhook router and pollers. */
export function createAivoDesks(configs: readonly unknown[], deps: CreateAivoDesksDeps): AivoDesks {
  const resolved = new Map<string, ResolvedAivoDesk>();
  for (const raw of configs) {
    const config = resolveAivoDesk(raw);
    if (resolved.has(config.id)) throw new ConfigError(`Aivo desk id "${config.id}" is used twice`, [{ path: '/id', reason: `${config.id} is used twice` }]);
    resolved.set(config.id, config);
  }
  const desks = new Map<string, AgentDesk>();
  const routed = new Map<string, AivoRoutedDesk>();
  const clients: AivoClient[] = [];
  const pollers: AivoPoller[] = [];
  for (const config of resolved.values()) {
    const client = new AivoClient(config, deps.clock ? { now: () => deps.clock!.now() } : {});
    const sessions = new AivoSessions(deps.records, config.id, config.sessionTtlMs);
    const logger = deps.logger?.child({ desk: config.id });
    clients.push(client);
    desks.set(config.id, new AivoDesk(config, { client, sessions, logger, clock: deps.clock }));
    routed.set(config.id, { config, sessions });
    const receive = config.receive;
    if (receive.transport === 'polling') {
      pollers.push(new AivoPoller({ deskId: config.id, intervalMs: receive.intervalMs, endpoint: receive.endpoint, client, sessions }, { ...deps, logger }));
    }
  }

  async function validateOne(config: ResolvedAivoDesk, client: AivoClient): Promise<GroupValidation> {
    try {
      const known = await client.listGroups();
      if (!known) {
        deps.logger?.warn('aivo group list has no recognisable ids; groups not checked', { desk: config.id });
        return { desk: config.id, status: 'unavailable' };
      }
      const unknownGroups = config.groups.filter((g) => !known.includes(g));
      if (unknownGroups.length === 0) return { desk: config.id, status: 'ok' };
      deps.logger?.warn('aivo desk names groups Aivo does not know', { desk: config.id, unknownGroups });
      return { desk: config.id, status: 'unknown', unknownGroups };
    } catch (error) {
      deps.logger?.warn('aivo group list unavailable; groups not checked', { desk: config.id, error: (error as Error).message });
      return { desk: config.id, status: 'unavailable' };
    }
  }

  return {
    desks,
    router: createAivoRouter(routed, deps),
    pollers,
    configs: resolved,
    validateGroups: () => Promise.all([...resolved.values()].map((config, i) => validateOne(config, clients[i]))),
    startPollers: () => pollers.forEach((p) => p.start()),
    async close() {
      await Promise.all(pollers.map((p) => p.stop()));
      clients.forEach((c) => c.dispose());
    },
  };
}
