import { Type, type Static } from '@sinclair/typebox';
import { Content } from './content';
import { Action } from './action';

/**
 * Where a conversation lives on its channel. `connector` names the connector instance from
 * config (an IMIconnect integration id, "iadvize", "api"), so one gateway serves many tenants.
 */
export const ChannelRef = Type.Object(
  {
    vendor: Type.String({ minLength: 1, maxLength: 64 }),
    connector: Type.String({ minLength: 1, maxLength: 128 }),
    tenant: Type.String({ minLength: 1, maxLength: 128 }),
    /** The vendor's asset / service / website / operator, when it matters for identity. */
    asset: Type.Optional(Type.String({ maxLength: 256 })),
    /** The vendor's conversation id. */
    externalId: Type.String({ minLength: 1, maxLength: 256 }),
    userId: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { title: 'ChannelRef', additionalProperties: false },
);
export type ChannelRef = Static<typeof ChannelRef>;

export const EVENT_TYPES = [
  'message', // a visitor message
  'postback', // a button / quick reply value
  'delivery', // receipt for something we sent
  'start', // the channel opened a conversation
  'end', // the visitor left / the channel closed
  'echo', // the channel played something we sent (iAdvize operator messages)
  'agent.message',
  'agent.joined',
  'agent.left',
  'handover.accepted',
  'handover.failed',
  'timer', // internal: a scheduled action fired (goes through the inbox to keep order)
] as const;

export const EventType = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));
export type EventType = Static<typeof EventType>;

export const Author = Type.Union([
  Type.Literal('visitor'),
  Type.Literal('bot'),
  Type.Literal('agent'),
  Type.Literal('system'),
]);
export type Author = Static<typeof Author>;

export const DeliveryStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('sent'),
  Type.Literal('delivered'),
  Type.Literal('read'),
  Type.Literal('failed'),
  Type.Literal('dead'),
]);
export type DeliveryStatus = Static<typeof DeliveryStatus>;

/** A scheduled action coming back through the inbox. */
export const TimerPayload = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('actions'), // the rest of a turn after a wait
      Type.Literal('handoff.timeout'), // no agent attended in time
    ]),
    /** Conversation version when scheduled: a state change since then voids the timer. */
    version: Type.Integer({ minimum: 0 }),
    /** Visitor turn counter when scheduled: a newer visitor message voids "actions" timers. */
    turn: Type.Integer({ minimum: 0 }),
    actions: Type.Optional(Type.Array(Action)),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type TimerPayload = Static<typeof TimerPayload>;

export const InboundEvent = Type.Object(
  {
    /** Unique id of this event (deterministic from the vendor's ids where there are any). */
    id: Type.String({ minLength: 1, maxLength: 512 }),
    /** Vendor message identity: the same key ingested twice reaches the bot once. */
    dedupeKey: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    channel: ChannelRef,
    type: EventType,
    author: Author,
    content: Type.Optional(Content),
    postback: Type.Optional(
      Type.Object({ value: Type.String({ maxLength: 2000 }), label: Type.Optional(Type.String({ maxLength: 500 })) }),
    ),
    delivery: Type.Optional(
      Type.Object({
        messageId: Type.String({ maxLength: 512 }),
        status: DeliveryStatus,
        description: Type.Optional(Type.String({ maxLength: 2000 })),
      }),
    ),
    timer: Type.Optional(TimerPayload),
    /** Observe-only (e.g. IMIconnect BOT+CCSP copies): recorded, never answered by the bot. */
    observeOnly: Type.Optional(Type.Boolean()),
    language: Type.Optional(Type.String({ maxLength: 16 })),
    at: Type.String({ minLength: 1, maxLength: 64 }),
    /** Channel-specific extras a connector wants back later (customparams, conversation type...). */
    meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    /** The vendor payload as received, for the connector that made the event; not stored by the router. */
    raw: Type.Optional(Type.Unknown()),
  },
  { title: 'InboundEvent', additionalProperties: false },
);
export type InboundEvent = Static<typeof InboundEvent>;
