import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Action, ContentType } from '@botgate/core';
import { createGateway, createSilentLogger, loadConfig, type Gateway } from '@botgate/gateway';

// The real gateway (config file → wiring → express → router → workers) with the demo scenario,
// driven over HTTP through the canonical API channel, as a web chat would.

export const API_TOKEN = 'e2e-api-token-0123456789abcdef';
const DEMO_SCENARIO = resolve(__dirname, '../../scenarios/demo.yaml');

export async function startApiGateway(env: Record<string, string>): Promise<{ gateway: Gateway; baseUrl: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'botgate-e2e-api-'));
  const file = join(dir, 'botgate.yaml');
  writeFileSync(
    file,
    [
      'server: { port: 0, host: 127.0.0.1 }',
      // A unique prefix keeps these keys apart from every other test's on the shared Redis.
      `redis: { prefix: e2e-api-${randomUUID().slice(0, 8)} }`,
      'role: all',
      `bots: [{ type: scenario, file: ${JSON.stringify(DEMO_SCENARIO)} }]`,
      'channels:',
      '  api: { enabled: true, tokens: [{ name: e2e, token: "${E2E_API_TOKEN}" }] }',
    ].join('\n'),
  );
  const { config } = loadConfig({ file, env: { ...env, E2E_API_TOKEN: API_TOKEN } });
  const gateway = await createGateway(config, { logger: createSilentLogger() });
  const address = await gateway.start();
  return { gateway, baseUrl: `http://127.0.0.1:${address.port}` };
}

interface PolledAction {
  cursor: string;
  action: Action;
}

/** A visitor on the API channel: posts messages, long-polls the bot's actions in order. */
export class ApiVisitor {
  externalId = '';
  conversationId = '';
  state = '';
  private cursor = '0';

  constructor(private readonly baseUrl: string, private readonly token = API_TOKEN) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async open(): Promise<void> {
    const res = await this.call('POST', '/api/v1/conversations', { userId: 'e2e-visitor', language: 'en' });
    expect(res.status).toBe(201);
    this.externalId = String(res.body.externalId);
    this.conversationId = String(res.body.conversationId);
  }

  async say(text: string, messageId?: string): Promise<Record<string, unknown>> {
    const res = await this.call('POST', `/api/v1/conversations/${this.externalId}/messages`, { text, ...(messageId ? { messageId } : {}) });
    expect(res.status).toBe(202);
    return res.body;
  }

  async pick(value: string): Promise<void> {
    const res = await this.call('POST', `/api/v1/conversations/${this.externalId}/messages`, { postback: { value } });
    expect(res.status).toBe(202);
  }

  /** Long-polls until the actions received since the last call satisfy `done`; returns them. */
  async until(done: (actions: Action[]) => boolean, timeoutMs = 10_000): Promise<Action[]> {
    const received: Action[] = [];
    const deadline = Date.now() + timeoutMs;
    while (!done(received)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received ${JSON.stringify(received, null, 1)}`);
      const res = await this.call('GET', `/api/v1/conversations/${this.externalId}/actions?after=${this.cursor}&wait=${Math.min(left, 5000)}`);
      expect(res.status).toBe(200);
      received.push(...(res.body.actions as PolledAction[]).map((a) => a.action));
      this.cursor = String(res.body.cursor);
      this.state = String(res.body.state);
    }
    return received;
  }

  /** Until a message of this content type (or an action of this type) has arrived. */
  untilType(type: ContentType | Action['type'], timeoutMs?: number): Promise<Action[]> {
    return this.until((actions) => actions.some((a) => a.type === type || (a.type === 'message' && a.content.type === type)), timeoutMs);
  }
}

export function contentTypes(actions: Action[]): string[] {
  return actions.map((a) => (a.type === 'message' ? a.content.type : a.type));
}

export function texts(actions: Action[]): string[] {
  return actions.flatMap((a) => (a.type === 'message' && (a.content.type === 'text' || a.content.type === 'quickReplies') ? [a.content.text] : []));
}
