import { Type, type Static } from '@sinclair/typebox';
import { ConversationState, DeliveryStatus, TimelineEntry } from '@botgate/core';

// What the admin JSON API answers. The TypeScript types are derived from these schemas, and the
// OpenAPI document embeds them: one description for the code and the docs.

export const ConversationSummary = Type.Object(
  {
    id: Type.String(),
    vendor: Type.String(),
    connector: Type.String(),
    tenant: Type.String(),
    externalId: Type.String(),
    userId: Type.Optional(Type.String()),
    state: ConversationState,
    /** `bot:<id>` or `desk:<name>`. */
    handler: Type.String(),
    botId: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    closedAt: Type.Optional(Type.String()),
  },
  { title: 'ConversationSummary' },
);
export type ConversationSummary = Static<typeof ConversationSummary>;

export const HandoffSummary = Type.Object({
  desk: Type.String(),
  requestedAt: Type.String(),
  attendedAt: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  deskRef: Type.Optional(Type.String()),
});

export const ConversationDetail = Type.Object(
  {
    conversation: Type.Intersect([ConversationSummary, Type.Object({ handoff: Type.Optional(HandoffSummary) })]),
    /** Oldest first: inbound and outbound events with delivery status, state changes, errors. */
    timeline: Type.Array(TimelineEntry),
  },
  { title: 'ConversationDetail' },
);
export type ConversationDetail = Static<typeof ConversationDetail>;

export const DeadLetterSummary = Type.Object(
  {
    id: Type.String(),
    lane: Type.Union([Type.Literal('inbox'), Type.Literal('outbox')]),
    conversationId: Type.String(),
    /** Outbox items: the connector, or `desk:<name>`. */
    target: Type.Optional(Type.String()),
    error: Type.String(),
    failedAt: Type.String(),
    attempts: Type.Integer(),
  },
  { title: 'DeadLetterSummary' },
);
export type DeadLetterSummary = Static<typeof DeadLetterSummary>;

export const QueueCountsSchema = Type.Object({
  lanesWaiting: Type.Object({ inbox: Type.Integer(), outbox: Type.Integer() }),
  scheduled: Type.Integer(),
  deadLetters: Type.Integer(),
});

export const TargetHealth = Type.Object(
  {
    target: Type.String(),
    kind: Type.Union([Type.Literal('channel'), Type.Literal('desk')]),
    breaker: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half-open')]),
    consecutiveFailures: Type.Integer(),
    openedAt: Type.Optional(Type.String()),
    lastError: Type.Optional(Type.String()),
    /** Delivery outcomes counted by this process (sent, retry, paused, rate_limited, dead_lettered). */
    deliveries: Type.Record(Type.String(), Type.Number()),
    /** sent / (sent + retry + dead_lettered); null before any delivery. */
    successRate: Type.Union([Type.Number(), Type.Null()]),
    deadLetters: Type.Integer(),
    lastDeadLetter: Type.Optional(Type.Object({ error: Type.String(), failedAt: Type.String() })),
  },
  { title: 'TargetHealth' },
);
export type TargetHealth = Static<typeof TargetHealth>;

export const VendorHealth = Type.Object(
  {
    storage: Type.Union([Type.Literal('redis'), Type.Literal('memory')]),
    queues: Type.Union([QueueCountsSchema, Type.Null()]),
    targets: Type.Array(TargetHealth),
  },
  { title: 'VendorHealth' },
);
export type VendorHealth = Static<typeof VendorHealth>;

export const ConversationList = Type.Object({ conversations: Type.Array(ConversationSummary) }, { title: 'ConversationList' });
export const DeadLetterList = Type.Object({ deadLetters: Type.Array(DeadLetterSummary) }, { title: 'DeadLetterList' });
export const ReplayResult = Type.Object({ replayed: Type.Integer(), missing: Type.Optional(Type.Integer()) }, { title: 'ReplayResult' });
export { DeliveryStatus };
