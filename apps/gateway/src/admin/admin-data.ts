import type {
  BreakerSnapshot,
  Conversation,
  ConversationFilter,
  ConversationState,
  DeadLetter,
  Delivery,
  StorageDriver,
} from '@botgate/core';
import type { DeliveryTally } from '../metrics/prometheus-metrics';
import type { ConversationDetail, ConversationSummary, DeadLetterSummary, TargetHealth, VendorHealth } from './admin-schemas';

export type { ConversationDetail, ConversationSummary, DeadLetterSummary, TargetHealth, VendorHealth };

// What the dashboard reads, shared by its pages and its JSON API. Breakers and delivery counts
// are this process's (they are per process by design); conversations, timelines and dead
// letters come from the shared storage.

export interface AdminDataSources {
  storage: Pick<StorageDriver, 'kind' | 'conversations' | 'queue'>;
  breakers: () => BreakerSnapshot[];
  /** Connector names (channels) and desk names, as configured. */
  connectors: () => string[];
  desks: () => string[];
  deliveryTallies: () => Promise<DeliveryTally[]>;
}

const STATES: readonly ConversationState[] = ['bot', 'pending', 'agent', 'closed'];

/** A listing filter from query parameters; unknown states and empty values are ignored. */
export function conversationFilter(query: Record<string, unknown>): ConversationFilter {
  const text = (key: string): string | undefined => {
    const value = query[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 256) : undefined;
  };
  const state = text('state');
  const limit = Number(text('limit') ?? 100);
  return {
    ...(text('vendor') ? { vendor: text('vendor') } : {}),
    ...(text('tenant') ? { tenant: text('tenant') } : {}),
    ...(state && (STATES as readonly string[]).includes(state) ? { state: state as ConversationState } : {}),
    ...(text('q') ? { query: text('q') } : {}),
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, 500) : 100,
  };
}


export function summarizeConversation(conversation: Conversation): ConversationSummary {
  const channel = conversation.channel;
  const handoff = conversation.handoff;
  return {
    id: conversation.id,
    vendor: channel.vendor,
    connector: channel.connector,
    tenant: channel.tenant,
    externalId: channel.externalId,
    ...(channel.userId ? { userId: channel.userId } : {}),
    state: conversation.state,
    handler: conversation.state === 'pending' || conversation.state === 'agent' ? `desk:${handoff?.target.desk ?? '?'}` : `bot:${conversation.botId}`,
    botId: conversation.botId,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    ...(conversation.closedAt ? { closedAt: conversation.closedAt } : {}),
  };
}

export async function listConversations(sources: AdminDataSources, filter: ConversationFilter): Promise<ConversationSummary[]> {
  return (await sources.storage.conversations.list(filter)).map(summarizeConversation);
}


export async function conversationDetail(sources: AdminDataSources, id: string): Promise<ConversationDetail | null> {
  const conversation = await sources.storage.conversations.get(id);
  if (!conversation) return null;
  const timeline = await sources.storage.conversations.timeline(id, 1000);
  const handoff = conversation.handoff;
  return {
    conversation: {
      ...summarizeConversation(conversation),
      ...(handoff
        ? {
            handoff: {
              desk: handoff.target.desk,
              requestedAt: handoff.requestedAt,
              ...(handoff.attendedAt ? { attendedAt: handoff.attendedAt } : {}),
              ...(handoff.reason ? { reason: handoff.reason } : {}),
              ...(handoff.deskRef ? { deskRef: handoff.deskRef } : {}),
            },
          }
        : {}),
    },
    timeline,
  };
}


export function deliveryTarget(delivery: Partial<Delivery> | undefined): string | undefined {
  const target = delivery?.target;
  if (!target) return undefined;
  return target.kind === 'channel' ? target.connector : `desk:${target.desk}`;
}

export async function listDeadLetters(sources: AdminDataSources, limit = 200): Promise<DeadLetterSummary[]> {
  const letters = await sources.storage.queue.deadLetters(limit);
  return letters.map((letter) => {
    const data = letter.lane === 'outbox' ? (letter.item.data as Partial<Delivery>) : undefined;
    const target = deliveryTarget(data);
    return {
      id: letter.id,
      lane: letter.lane,
      conversationId: letter.key,
      ...(target ? { target } : {}),
      error: letter.error,
      failedAt: letter.failedAt,
      attempts: letter.item.attempts,
    };
  });
}



export async function vendorHealth(sources: AdminDataSources): Promise<VendorHealth> {
  const [tallies, letters, queues] = await Promise.all([
    sources.deliveryTallies(),
    listDeadLetters(sources, 500),
    sources.storage.queue.counts().catch(() => null),
  ]);
  const breakers = new Map(sources.breakers().map((b) => [b.target, b]));
  const targets = [...sources.connectors().map((name) => ({ target: name, kind: 'channel' as const })), ...sources.desks().map((name) => ({ target: `desk:${name}`, kind: 'desk' as const }))];
  // Targets seen in traffic but no longer configured still deserve a row.
  for (const tally of tallies) if (!targets.some((t) => t.target === tally.target)) targets.push({ target: tally.target, kind: tally.target.startsWith('desk:') ? 'desk' : 'channel' });
  return {
    storage: sources.storage.kind,
    queues,
    targets: targets.map(({ target, kind }) => {
      const breaker = breakers.get(target);
      const deliveries = tallies.find((t) => t.target === target)?.outcomes ?? {};
      const sent = deliveries.sent ?? 0;
      const failed = (deliveries.retry ?? 0) + (deliveries.dead_lettered ?? 0);
      const dead = letters.filter((l) => l.target === target);
      return {
        target,
        kind,
        breaker: breaker?.state ?? 'closed',
        consecutiveFailures: breaker?.consecutiveFailures ?? 0,
        ...(breaker?.openedAt ? { openedAt: new Date(breaker.openedAt).toISOString() } : {}),
        ...(breaker?.lastError ? { lastError: breaker.lastError } : {}),
        deliveries,
        successRate: sent + failed > 0 ? sent / (sent + failed) : null,
        deadLetters: dead.length,
        ...(dead[0] ? { lastDeadLetter: { error: dead[0].error, failedAt: dead[0].failedAt } } : {}),
      };
    }),
  };
}
