import { Type, type Static } from '@sinclair/typebox';
import { Content } from './content';
import { HandoverTarget } from './action';
import { ChannelRef, DeliveryStatus } from './event';

export const ConversationState = Type.Union([
  Type.Literal('bot'),
  Type.Literal('pending'),
  Type.Literal('agent'),
  Type.Literal('closed'),
]);
export type ConversationState = Static<typeof ConversationState>;

/** Who holds a conversation that is not with the bot. */
export const Handoff = Type.Object(
  {
    target: HandoverTarget,
    reason: Type.Optional(Type.String()),
    /** When the handover was asked for (ISO). */
    requestedAt: Type.String(),
    /** When an agent attended (ISO). */
    attendedAt: Type.Optional(Type.String()),
    /** Epoch ms after which an unattended handover falls back to the bot. */
    deadline: Type.Optional(Type.Number()),
    fallback: Type.Optional(Type.Array(Content)),
    /** The desk's reference for this conversation (Aivo conversationId, CCSP conversation id). */
    deskRef: Type.Optional(Type.String()),
    /** Desk-private data (Aivo customToken...). Never logged. */
    deskData: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type Handoff = Static<typeof Handoff>;

export const Conversation = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    channel: ChannelRef,
    botId: Type.String({ minLength: 1 }),
    language: Type.Optional(Type.String()),
    state: ConversationState,
    /** Bumped on every state change; scheduled work carries the version it was made for. */
    version: Type.Integer({ minimum: 0 }),
    /** Bumped on every visitor message; pending "rest of turn" timers carry the turn they belong to. */
    turn: Type.Integer({ minimum: 0 }),
    /** Bumped on every write; the store's compare-and-set token. */
    revision: Type.Integer({ minimum: 0 }),
    handoff: Type.Optional(Handoff),
    variables: Type.Record(Type.String(), Type.String()),
    /** Opaque state of the bot backend (scenario step...). */
    botState: Type.Optional(Type.Unknown()),
    /** Connector-private data (iAdvize idOperator, IMIconnect customparams...). */
    channelData: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    /** The last inbox item handled: a redelivered item with this id only redoes `pendingEffects`. */
    lastHandledEventId: Type.Optional(Type.String()),
    /**
     * What handling `lastHandledEventId` must still cause (outbox deliveries, timers), saved with
     * the state in one write so that a worker dying right after the save loses nothing: the
     * redelivered event queues them again under the same deterministic ids.
     */
    pendingEffects: Type.Optional(Type.Unknown()),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    closedAt: Type.Optional(Type.String()),
  },
  { title: 'Conversation', additionalProperties: false },
);
export type Conversation = Static<typeof Conversation>;

export const TimelineEntry = Type.Object(
  {
    at: Type.String(),
    kind: Type.Union([
      Type.Literal('inbound'),
      Type.Literal('outbound'),
      Type.Literal('delivery'),
      Type.Literal('state'),
      Type.Literal('error'),
      Type.Literal('note'),
    ]),
    summary: Type.String(),
    /** Outbound: the delivery id, so receipts and retries can update it. */
    deliveryId: Type.Optional(Type.String()),
    status: Type.Optional(DeliveryStatus),
    data: Type.Optional(Type.Unknown()),
  },
  { title: 'TimelineEntry', additionalProperties: false },
);
export type TimelineEntry = Static<typeof TimelineEntry>;
