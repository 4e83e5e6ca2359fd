import type { Action } from '../model/action';
import type { InboundEvent } from '../model/event';

export interface IngestOptions {
  /** The bot backend that answers a conversation this event opens. */
  botId: string;
  language?: string;
  /** Merged into the conversation's channelData (connector-private, e.g. iAdvize idOperator). */
  channelData?: Record<string, unknown>;
}

export interface IngestResult {
  conversationId: string;
  /** The event's dedupeKey was seen before: nothing was stored. */
  duplicate: boolean;
}

export interface SyncIngestResult extends IngestResult {
  /**
   * The turn's actions, already degraded to the channel's capabilities, when the bot finished
   * within the deadline; null when it did not (the actions then go out through the connector's
   * deliver(), in order, as deferred deliveries).
   */
  actions: Action[] | null;
}

/** How connectors hand events to the core. Accepting means stored: nothing accepted is lost. */
export interface Ingress {
  ingest(event: InboundEvent, options: IngestOptions): Promise<IngestResult>;
  /** For synchronous channels (iAdvize): ingest, then wait up to deadlineMs for the turn. */
  ingestAndWait(event: InboundEvent, options: IngestOptions, deadlineMs: number): Promise<SyncIngestResult>;
}
