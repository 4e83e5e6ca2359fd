import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import type { Conversation, InboundEvent, IngestResult } from '@botgate/core';
import type { AivoDeskConfig } from '../config';
import type { AivoDeskIngress } from '../ingest';

// Test doubles local to this package (the dependency rule keeps testkit and redis out of it):
// the router's desk-facing half, a record store, and a scriptable stand-in for Aivo's HTTP API.

/** The core's in-memory record store (the memory driver's own). */
export { MemoryRecordStore as MemoryRecords } from '@botgate/core';

/** Conversations indexed by desk reference; records what is ingested, dedupes by id. */
export class FakeDeskRouter implements AivoDeskIngress {
  readonly conversations = new Map<string, Conversation>();
  readonly index = new Map<string, string>();
  readonly ingested: Array<{ conversationId: string; event: Omit<InboundEvent, 'channel'> }> = [];
  private readonly seen = new Set<string>();
  failWith: Error | null = null;

  /** A conversation held by `desk` under Aivo id `deskRef`. */
  hold(desk: string, deskRef: string, id = `conv-${deskRef}`, state: Conversation['state'] = 'pending'): Conversation {
    const conversation: Conversation = {
      id,
      channel: { vendor: 'test', connector: 'test', tenant: 'acme', externalId: `ext-${id}`, userId: 'u1' },
      botId: 'bot',
      state,
      version: 1,
      turn: 1,
      revision: 1,
      variables: {},
      handoff: { target: { desk }, requestedAt: new Date(0).toISOString(), deskRef, deskData: { customToken: 'tok' } },
      createdAt: new Date(0).toISOString(),
      updatedAt: new Date(0).toISOString(),
    };
    this.conversations.set(id, conversation);
    this.index.set(`${desk}|${deskRef}`, id);
    return conversation;
  }

  async conversationForDesk(desk: string, deskRef: string): Promise<Conversation | null> {
    if (this.failWith) throw this.failWith;
    const id = this.index.get(`${desk}|${deskRef}`);
    return id ? (this.conversations.get(id) ?? null) : null;
  }

  async ingestToConversation(conversationId: string, event: Omit<InboundEvent, 'channel'>): Promise<IngestResult> {
    if (this.failWith) throw this.failWith;
    const duplicate = this.seen.has(event.id);
    this.seen.add(event.id);
    if (!duplicate) this.ingested.push({ conversationId, event });
    return { conversationId, duplicate };
  }

  types(): string[] {
    return this.ingested.map((i) => i.event.type);
  }
}

export function deskConfig(overrides: Partial<AivoDeskConfig> = {}): AivoDeskConfig {
  return {
    id: 'aivo-main',
    botId: 42,
    botToken: 'bot-token-1',
    groups: [7],
    hashSecret: 'hash-secret-0123456789',
    receive: { transport: 'webhook', secret: 'shared-secret-0123456789', hmacSecret: 'hmac-secret-0123456789' },
    ...overrides,
  };
}

export interface StubCall {
  method: string;
  path: string;
  headers: Request['headers'];
  query: Request['query'];
  body: unknown;
}

/** A tiny Aivo stand-in: answers from `handler`, records every call. */
export class AivoStub {
  readonly calls: StubCall[] = [];
  handler: (call: StubCall, res: Response) => void = (_call, res) => void res.status(200).json({});

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<AivoStub> {
    const app = express();
    app.use(express.json());
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const stub = new AivoStub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    app.use((req, res) => {
      const call = { method: req.method, path: req.path, headers: req.headers, query: req.query, body: req.body as unknown };
      stub.calls.push(call);
      stub.handler(call, res);
    });
    return stub;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
