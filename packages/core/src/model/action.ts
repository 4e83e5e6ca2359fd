import { Type, type Static } from '@sinclair/typebox';
import { Content } from './content';

// Actions: what a bot returns for one turn, played in order.

export const MessageAction = Type.Object(
  { type: Type.Literal('message'), content: Content },
  { title: 'MessageAction', additionalProperties: false },
);

/** A pause before the following actions (typing rhythm, "are you still there?" nudges). */
export const WaitAction = Type.Object(
  { type: Type.Literal('wait'), ms: Type.Integer({ minimum: 0, maximum: 3_600_000 }) },
  { title: 'WaitAction', additionalProperties: false },
);

/**
 * Where a conversation goes on handover.
 * desk: "channel" means the vendor's own agents (iAdvize distribution rule, IMIconnect CCSP);
 * any other value names a desk from config (e.g. an Aivo Live desk id).
 * queue: desk-specific routing (an iAdvize distribution rule id or label, Aivo group ids "12,13").
 */
export const HandoverTarget = Type.Object(
  {
    desk: Type.String({ minLength: 1, maxLength: 128 }),
    queue: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type HandoverTarget = Static<typeof HandoverTarget>;

export const HandoverAction = Type.Object(
  {
    type: Type.Literal('handover'),
    target: HandoverTarget,
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    /** How long the conversation may wait for an agent before the fallback is played. */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 86_400_000 })),
    /** Played if the handover fails or no agent attends in time; the conversation goes back to the bot. */
    fallback: Type.Optional(Type.Array(Content, { maxItems: 10 })),
  },
  { title: 'HandoverAction', additionalProperties: false },
);

export const CloseAction = Type.Object(
  { type: Type.Literal('close'), reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { title: 'CloseAction', additionalProperties: false },
);

/** Variables the bot learned (prequalified email, order number): kept on the conversation, handed to desks. */
export const SetVariablesAction = Type.Object(
  {
    type: Type.Literal('setVariables'),
    variables: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 2000 })),
  },
  { title: 'SetVariablesAction', additionalProperties: false },
);

/** notify / milestone / anything a channel may understand; channels that do not are silent. */
export const CustomAction = Type.Object(
  {
    type: Type.Literal('custom'),
    name: Type.String({ minLength: 1, maxLength: 128 }),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { title: 'CustomAction', additionalProperties: false },
);

export const Action = Type.Union(
  [MessageAction, WaitAction, HandoverAction, CloseAction, SetVariablesAction, CustomAction],
  { title: 'Action' },
);

export const ActionList = Type.Array(Action, { maxItems: 100, title: 'ActionList' });

export type MessageAction = Static<typeof MessageAction>;
export type WaitAction = Static<typeof WaitAction>;
export type HandoverAction = Static<typeof HandoverAction>;
export type CloseAction = Static<typeof CloseAction>;
export type SetVariablesAction = Static<typeof SetVariablesAction>;
export type CustomAction = Static<typeof CustomAction>;
export type Action = Static<typeof Action>;
