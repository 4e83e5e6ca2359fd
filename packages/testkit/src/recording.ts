import type {
  Action,
  AgentDesk,
  BotClient,
  BotTurnInput,
  BotTurnResult,
  ChannelCapabilities,
  ChannelConnector,
  Conversation,
  Delivery,
  DeskOpenResult,
  InboundEvent,
  NativeHandover,
  RetryPolicy,
} from '@botgate/core';
import { CONTENT_TYPES, PermanentDeliveryError, TransientDeliveryError } from '@botgate/core';

// Test doubles of OUR ports (bots and channels), never of Redis: they record what the router
// does and let tests await a count instead of sleeping.

/** Resolves waiters when a recorded list reaches a length. */
export class Recorder<T> {
  readonly items: T[] = [];
  private waiters: Array<{ count: number; predicate?: (items: T[]) => boolean; resolve: () => void }> = [];

  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      const done = w.predicate ? w.predicate(this.items) : this.items.length >= w.count;
      if (done) w.resolve();
      return !done;
    });
  }

  /** Resolves once at least `count` items were recorded; rejects after `timeoutMs`. */
  untilCount(count: number, timeoutMs = 10_000): Promise<T[]> {
    return this.until((items) => items.length >= count, timeoutMs, `${count} items`);
  }

  until(predicate: (items: T[]) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<T[]> {
    if (predicate(this.items)) return Promise.resolve(this.items);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; have ${this.items.length}`)), timeoutMs);
      this.waiters.push({ count: 0, predicate, resolve: () => (clearTimeout(timer), resolve(this.items)) });
    });
  }
}

export type ScriptedReply = (input: BotTurnInput) => Action[] | Promise<Action[]>;

/** A bot whose answer is a function of the event; records every turn it was asked for. */
export class RecordingBot implements BotClient {
  readonly turns = new Recorder<BotTurnInput>();
  constructor(
    readonly descriptor: { id: string; name: string } = { id: 'test-bot', name: 'Test bot' },
    private readonly reply: ScriptedReply = (input) => [
      { type: 'message', content: { type: 'text', text: `echo: ${textOf(input)}` } },
    ],
  ) {}

  async turn(input: BotTurnInput): Promise<BotTurnResult> {
    this.turns.push(input);
    const count = (typeof input.botState === 'number' ? input.botState : 0) + 1;
    return { actions: await this.reply(input), botState: count };
  }
}

export function textOf(input: { event: BotTurnInput['event'] }): string {
  const content = input.event.content;
  if (content?.type === 'text' || content?.type === 'quickReplies') return content.text;
  return input.event.postback?.value ?? input.event.type;
}

export interface RecordedDelivery {
  delivery: Delivery;
  conversation: Conversation;
  at: number;
}

/** A channel that records deliveries; can be told to fail (transiently or for good). */
export class RecordingConnector implements ChannelConnector {
  readonly delivered = new Recorder<RecordedDelivery>();
  readonly attempts = new Recorder<string>();
  /** Fail the next N calls with a transient error. */
  failNext = 0;
  /** Refuse every call for good (4xx). */
  refuse = false;
  caps: ChannelCapabilities = { contentTypes: CONTENT_TYPES, maxTextLength: 4000, markdown: true };

  constructor(
    readonly name = 'test',
    readonly retry: RetryPolicy | undefined = undefined,
    readonly nativeHandover: NativeHandover | undefined = undefined,
  ) {}

  capabilities(): ChannelCapabilities {
    return this.caps;
  }

  async deliver(delivery: Delivery, conversation: Conversation): Promise<void> {
    this.attempts.push(delivery.id);
    if (this.refuse) throw new PermanentDeliveryError('refused by the test channel', 400);
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new TransientDeliveryError('test channel is down', 503);
    }
    this.delivered.push({ delivery, conversation, at: Date.now() });
  }

  texts(conversationId?: string): string[] {
    return this.delivered.items
      .filter((d) => !conversationId || d.conversation.id === conversationId)
      .map((d) => (d.delivery.action?.type === 'message' && d.delivery.action.content.type === 'text' ? d.delivery.action.content.text : d.delivery.action?.type ?? '?'));
  }
}

/** A human desk that records what the router asks of it. */
export class RecordingDesk implements AgentDesk {
  readonly calls = new Recorder<{ op: 'open' | 'relay' | 'close'; conversationId: string; detail?: string }>();
  private opened = 0;
  constructor(readonly name = 'desk', readonly retry: RetryPolicy | undefined = undefined) {}

  async open(conversation: Conversation): Promise<DeskOpenResult> {
    this.opened += 1;
    this.calls.push({ op: 'open', conversationId: conversation.id });
    return { deskRef: `${this.name}-ref-${this.opened}-${conversation.id}`, deskData: { token: 'desk-secret' } };
  }

  async relay(conversation: Conversation, event: InboundEvent): Promise<void> {
    this.calls.push({ op: 'relay', conversationId: conversation.id, detail: event.content?.type === 'text' ? event.content.text : event.type });
  }

  async close(conversation: Conversation, reason: string): Promise<void> {
    this.calls.push({ op: 'close', conversationId: conversation.id, detail: reason });
  }
}
