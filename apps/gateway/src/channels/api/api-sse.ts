import type { Response } from 'express';
import type { ConversationStore, Logger } from '@botgate/core';
import type { ApiOutbox, ApiOutboxEntry } from './api-outbox';

// Server-sent events: one `action` event per bot action (id = its seq, so a reconnecting
// EventSource resumes with Last-Event-ID) and a `state` event whenever the conversation's state
// changes. The stream reads the shared store, so it works whichever process runs the worker.

const HEARTBEAT_MS = 15_000;

/**
 * Open streams and long-polls, so a graceful shutdown can end them (server.close waits for every
 * socket). Once closed, whatever starts later is ended at once.
 */
export class OpenStreams {
  private readonly open = new Set<AbortController>();
  private closed = false;

  track(controller: AbortController): () => void {
    if (this.closed) controller.abort();
    this.open.add(controller);
    return () => this.open.delete(controller);
  }

  closeAll(): void {
    this.closed = true;
    for (const controller of this.open) controller.abort();
  }

  get size(): number {
    return this.open.size;
  }
}

export interface SseStreamInput {
  res: Response;
  externalId: string;
  conversationId: () => Promise<string>;
  after: number;
  outbox: ApiOutbox;
  conversations: ConversationStore;
  streams: OpenStreams;
  logger: Logger;
}

function writeEvent(res: Response, event: string, data: unknown, id?: number): void {
  res.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function actionPayload(entry: ApiOutboxEntry) {
  return { cursor: String(entry.seq), deliveryId: entry.deliveryId, conversationId: entry.conversationId, action: entry.action, at: entry.at };
}

export async function streamConversationEvents(input: SseStreamInput): Promise<void> {
  const { res, outbox } = input;
  const controller = new AbortController();
  const untrack = input.streams.track(controller);
  res.on('close', () => controller.abort());
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.write('retry: 1000\n\n');
  let after = input.after;
  let lastState: string | undefined;
  let lastWrite = Date.now();
  try {
    while (!controller.signal.aborted) {
      const entries = await outbox.read(input.externalId, after);
      for (const entry of entries) writeEvent(res, 'action', actionPayload(entry), entry.seq);
      let wrote = entries.length > 0;
      if (wrote) after = entries[entries.length - 1].seq;
      const conversationId = await input.conversationId();
      const state = (await input.conversations.get(conversationId))?.state ?? 'closed';
      if (state !== lastState) {
        writeEvent(res, 'state', { conversationId, state });
        lastState = state;
        wrote = true;
      }
      if (!wrote && Date.now() - lastWrite >= HEARTBEAT_MS) {
        res.write(': keep-alive\n\n');
        wrote = true;
      }
      if (wrote) lastWrite = Date.now();
      await outbox.nextChance(input.externalId, outbox.pollMs, controller.signal);
    }
  } catch (error) {
    // Headers are gone: tell the client in-band, then end so it reconnects.
    input.logger.warn('SSE stream failed', { externalId: input.externalId, error: (error as Error).message });
    if (!res.writableEnded) writeEvent(res, 'error', { error: 'unavailable', message: 'stream interrupted, reconnect' });
  } finally {
    untrack();
    if (!res.writableEnded) res.end();
  }
}
