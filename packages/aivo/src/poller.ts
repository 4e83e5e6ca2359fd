import { NotFoundError, PermanentDeliveryError } from '@botgate/core';
import type { AivoClient } from './client';
import type { AivoEndpoint } from './config';
import { ingestAivoEvent, type AivoIngestDeps } from './ingest';
import type { AivoSessions } from './sessions';

export interface AivoPollerOptions {
  deskId: string;
  intervalMs: number;
  endpoint: AivoEndpoint;
  client: AivoClient;
  sessions: AivoSessions;
}

export interface AivoPollTickResult {
  conversations: number;
  events: number;
  failures: number;
}

/**
 * The polling transport: every `intervalMs` after the previous tick ENDED (ticks never overlap),
 * fetches the new agent events of each Aivo conversation this desk holds open and ingests them
 * like the webhook does. Event ids are deterministic, so two gateway processes polling the same
 * conversation, or a cursor lost in a crash, deliver nothing twice.
 */
export class AivoPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<AivoPollTickResult> | undefined;
  private stopped = true;
  /** Set by stop(): a tick in flight ends after the conversation it is on. */
  private halted = false;

  constructor(private readonly options: AivoPollerOptions, private readonly deps: AivoIngestDeps) {}

  get deskId(): string {
    return this.options.deskId;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halted = false;
    this.schedule(0);
  }

  /** Stops scheduling and waits for a tick in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass over the open conversations; a tick already running is joined, not doubled. */
  tick(): Promise<AivoPollTickResult> {
    if (!this.running) {
      this.running = this.pollAll().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick()
        .catch((error: unknown) => this.deps.logger?.warn('aivo poll tick failed', { desk: this.deskId, error: (error as Error).message }))
        .finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    this.timer.unref?.();
  }

  private async pollAll(): Promise<AivoPollTickResult> {
    const { sessions, client, endpoint } = this.options;
    const open = await sessions.list();
    const result: AivoPollTickResult = { conversations: open.length, events: 0, failures: 0 };
    for (const { key: conversationId, value: session } of open) {
      if (this.halted) break;
      try {
        const answer = await client.fetchEvents({ conversationId: session.aivoConversationId, customToken: session.customToken }, endpoint, session.cursor);
        let closed = false;
        for (const event of answer.events) {
          // The conversation id comes from our record: an answer cannot speak for another conversation.
          await ingestAivoEvent(this.deps, this.deskId, sessions, { ...event, conversationId: session.aivoConversationId });
          result.events += 1;
          if (event.type === 'conversation.closed') closed = true;
        }
        const last = answer.events.at(-1);
        const cursor = answer.cursor ?? (last ? (last.type === 'agent.message' ? last.messageId : last.eventId) : undefined);
        if (!closed && cursor && cursor !== session.cursor) {
          const current = await sessions.get(conversationId);
          if (current) await sessions.put(conversationId, { ...current, cursor });
        }
      } catch (error) {
        result.failures += 1;
        if (error instanceof NotFoundError || (error instanceof PermanentDeliveryError && [404, 410].includes(error.httpStatus ?? 0))) {
          // Our conversation expired, or Aivo forgot its own: nothing will ever come.
          await sessions.delete(conversationId);
        }
        this.deps.logger?.warn('aivo poll failed for a conversation', { desk: this.deskId, conversationId, error: (error as Error).message });
      }
    }
    return result;
  }
}
