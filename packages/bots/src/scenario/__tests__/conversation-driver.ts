import type { Action, BotClient, BotTurnInput, InboundEvent } from '@botgate/core';

// Plays the core's part in tests: keeps botState and variables per conversation between turns,
// the way the router stores them on the Conversation.

export class ConversationDriver {
  botState: unknown = undefined;
  variables: Record<string, string> = {};
  private seq = 0;

  constructor(
    private readonly bot: BotClient,
    readonly id = 'conv-1',
  ) {}

  /** A typed visitor message. */
  say(text: string): Promise<Action[]> {
    return this.send({ type: 'message', author: 'visitor', content: { type: 'text', text } });
  }

  /** A button or quick reply pick. */
  pick(value: string, label?: string): Promise<Action[]> {
    return this.send({ type: 'postback', author: 'visitor', postback: { value, label } });
  }

  event(type: InboundEvent['type'], author: InboundEvent['author'] = 'system'): Promise<Action[]> {
    return this.send({ type, author });
  }

  async send(partial: Pick<InboundEvent, 'type' | 'author'> & Partial<InboundEvent>): Promise<Action[]> {
    this.seq += 1;
    const channel = { vendor: 'test', connector: 'api', tenant: 't1', externalId: this.id };
    const input: BotTurnInput = {
      event: { id: `${this.id}-${this.seq}`, channel, at: new Date(0).toISOString(), ...partial },
      conversation: { id: this.id, channel, state: 'bot', variables: { ...this.variables }, turn: this.seq },
      // A JSON round trip, as the store does: nothing but data may survive between turns.
      botState: this.botState === undefined ? undefined : JSON.parse(JSON.stringify(this.botState)),
    };
    const result = await this.bot.turn(input);
    this.botState = result.botState;
    for (const action of result.actions) if (action.type === 'setVariables') Object.assign(this.variables, action.variables);
    return result.actions;
  }
}

/** The texts of the message actions (quickReplies and cards by their text/title). */
export function texts(actions: Action[]): string[] {
  return actions.flatMap((a) => {
    if (a.type !== 'message') return [];
    const c = a.content;
    if (c.type === 'text' || c.type === 'quickReplies') return [c.text];
    if (c.type === 'card') return [c.title ?? ''];
    return [c.type];
  });
}

export function contentTypes(actions: Action[]): string[] {
  return actions.flatMap((a) => (a.type === 'message' ? [a.content.type] : [a.type]));
}
