import { Type, type Static } from '@sinclair/typebox';

// What we send to Aivo Live (documented: queue, client message), what it answers (lenient: the
// doc's response is cut off after messageQueueId), and OUR inbound shapes for agent events:
// Aivo does not publish how agent replies reach an external bot, so we define a small versioned
// contract (README "Webhook and polling shapes") that Aivo, or a relay in front of it, speaks.

export { AivoDeskConfigSchema, type AivoDeskConfig } from './config';

// ─── outbound (documented) ─────────────────────────────────────────────────────────────────

const ExtraObject = Type.Record(Type.String(), Type.String());
/** The doc prints `"extra": [ "Ticket": 2024 ]` (not JSON): an object, or a list of one-key objects. */
export const AivoUserExtra = Type.Union([ExtraObject, Type.Array(ExtraObject)]);
export type AivoUserExtra = Static<typeof AivoUserExtra>;

export const AivoQueueBody = Type.Object(
  {
    botId: Type.Integer(),
    groupsId: Type.Array(Type.Integer(), { minItems: 1 }),
    botToken: Type.String({ minLength: 1 }),
    protocolId: Type.Literal(28),
    user: Type.Object(
      {
        /** Unique per user, alphanumeric recommended [DOC]; Aivo appends "_<botToken>". */
        hash: Type.String({ pattern: '^[A-Za-z0-9]{1,128}$' }),
        firstname: Type.String(),
        lastname: Type.String(),
        email: Type.String(),
        phone: Type.String(),
        extra: AivoUserExtra,
      },
      { additionalProperties: false },
    ),
    status: Type.Literal('queued'),
    lastSender: Type.Literal('user'),
  },
  { title: 'AivoQueueBody', additionalProperties: false },
);
export type AivoQueueBody = Static<typeof AivoQueueBody>;

/** Lenient: unknown fields are kept, messageQueueId and notAttended may be absent. */
export const AivoQueueResponse = Type.Object(
  {
    conversationId: Type.String({ minLength: 1, maxLength: 256 }),
    customToken: Type.String({ minLength: 1, maxLength: 4096 }),
    messageQueueId: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    notAttended: Type.Optional(Type.Unknown()),
  },
  { title: 'AivoQueueResponse' },
);
export type AivoQueueResponse = Static<typeof AivoQueueResponse>;

export const AivoMessageAction = Type.Union([Type.Literal('text'), Type.Literal('file'), Type.Literal('image')]);
export type AivoMessageAction = Static<typeof AivoMessageAction>;

export const AivoClientMessageItem = Type.Object(
  { action: AivoMessageAction, value: Type.String({ minLength: 1 }), source: Type.Literal('user') },
  { additionalProperties: false },
);
export type AivoClientMessageItem = Static<typeof AivoClientMessageItem>;

export const AivoClientMessageBody = Type.Object(
  { message: Type.Array(AivoClientMessageItem, { minItems: 1 }) },
  { title: 'AivoClientMessageBody', additionalProperties: false },
);
export type AivoClientMessageBody = Static<typeof AivoClientMessageBody>;

// ─── inbound (ours, version 1) ─────────────────────────────────────────────────────────────

const AivoConversationId = Type.String({ minLength: 1, maxLength: 256 });
const EventId = Type.String({ minLength: 1, maxLength: 256 });
const At = Type.String({ minLength: 1, maxLength: 64 });
const AgentRef = Type.Object({ id: Type.Optional(Type.String({ maxLength: 256 })), name: Type.Optional(Type.String({ maxLength: 256 })) });

export const AivoAgentMessageEvent = Type.Object(
  {
    version: Type.Literal(1),
    type: Type.Literal('agent.message'),
    conversationId: AivoConversationId,
    /** Aivo's message id: the same id delivered twice reaches the visitor once. */
    messageId: EventId,
    at: Type.Optional(At),
    agent: Type.Optional(AgentRef),
    message: Type.Object({
      action: AivoMessageAction,
      /** The text, or the public URL of the file / image. */
      value: Type.String({ minLength: 1, maxLength: 20_000 }),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
      mimeType: Type.Optional(Type.String({ minLength: 3, maxLength: 200 })),
    }),
  },
  { title: 'AivoAgentMessageEvent' },
);

export const AivoAgentAttendedEvent = Type.Object(
  {
    version: Type.Literal(1),
    type: Type.Literal('agent.attended'),
    conversationId: AivoConversationId,
    eventId: Type.Optional(EventId),
    at: Type.Optional(At),
    agent: Type.Optional(AgentRef),
  },
  { title: 'AivoAgentAttendedEvent' },
);

export const AivoConversationClosedEvent = Type.Object(
  {
    version: Type.Literal(1),
    type: Type.Literal('conversation.closed'),
    conversationId: AivoConversationId,
    eventId: Type.Optional(EventId),
    at: Type.Optional(At),
    agent: Type.Optional(AgentRef),
    closedBy: Type.Optional(Type.Union([Type.Literal('agent'), Type.Literal('user'), Type.Literal('system')])),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { title: 'AivoConversationClosedEvent' },
);

export const AivoInboundEvent = Type.Union([AivoAgentMessageEvent, AivoAgentAttendedEvent, AivoConversationClosedEvent], {
  title: 'AivoInboundEvent',
});
export type AivoAgentMessageEvent = Static<typeof AivoAgentMessageEvent>;
export type AivoAgentAttendedEvent = Static<typeof AivoAgentAttendedEvent>;
export type AivoConversationClosedEvent = Static<typeof AivoConversationClosedEvent>;
export type AivoInboundEvent = Static<typeof AivoInboundEvent>;

/** One event, or a batch of events (played in order). */
export const AivoWebhookBatch = Type.Object(
  { version: Type.Literal(1), events: Type.Array(AivoInboundEvent, { minItems: 1, maxItems: 100 }) },
  { title: 'AivoWebhookBatch' },
);
export const AivoWebhookBody = Type.Union([AivoInboundEvent, AivoWebhookBatch], { title: 'AivoWebhookBody' });
export type AivoWebhookBody = Static<typeof AivoWebhookBody>;

/** Answer of the polling endpoint: the events after `?after=<cursor>`, oldest first. */
export const AivoPollResponse = Type.Object(
  {
    events: Type.Array(AivoInboundEvent, { maxItems: 1000 }),
    /** Passed back as ?after= on the next tick; default: the last event's id. */
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { title: 'AivoPollResponse' },
);
export type AivoPollResponse = Static<typeof AivoPollResponse>;
