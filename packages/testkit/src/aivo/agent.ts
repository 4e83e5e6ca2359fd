import { createHmac } from 'node:crypto';
import { Recorder } from '../recording';

// The agent side of the simulator: each action becomes a version-1 event (README of
// @botgate/aivo, "Webhook and polling shapes"), stored for the polling endpoint and, when a
// webhook is connected, pushed to it signed the way the gateway expects.

export type SimAgentEvent =
  | { version: 1; type: 'agent.attended'; conversationId: string; eventId: string; at: string; agent: { id: string; name: string } }
  | {
      version: 1;
      type: 'agent.message';
      conversationId: string;
      messageId: string;
      at: string;
      agent: { id: string; name: string };
      message: { action: 'text' | 'file' | 'image'; value: string; name?: string; mimeType?: string };
    }
  | { version: 1; type: 'conversation.closed'; conversationId: string; eventId: string; at: string; closedBy: 'agent'; reason?: string; agent: { id: string; name: string } };

export interface SimWebhookTarget {
  /** Full URL of the gateway's /aivo/:deskId/events. */
  url: string;
  /** Sent in `secretHeader` (default x-aivo-secret). */
  secret?: string;
  /** Signs the raw body: hex HMAC-SHA256 in `signatureHeader` (default x-aivo-signature). */
  hmacSecret?: string;
  secretHeader?: string;
  signatureHeader?: string;
}

export interface SimPush {
  event: SimAgentEvent;
  /** HTTP status the gateway answered, 0 when unreachable. */
  status: number;
  body: unknown;
}

/** Where agent events go: stored per conversation (polling), pushed when a webhook is set. */
export class SimAgentChannel {
  webhook: SimWebhookTarget | undefined;
  readonly pushes = new Recorder<SimPush>();
  private seq = 0;

  constructor(private readonly store: (event: SimAgentEvent) => void) {}

  nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}-${this.seq}`;
  }

  async emit(event: SimAgentEvent): Promise<SimPush | undefined> {
    this.store(event);
    if (!this.webhook) return undefined;
    const push = await pushAivoEvent(this.webhook, event);
    this.pushes.push(push);
    return push;
  }
}

/**
 * Pushes like a webhook sender that retries: a 404 (the gateway has not indexed a conversation
 * queued a moment ago), a 5xx or no answer are tried again a few times; 2xx, 400 and 401 are final.
 */
export async function pushAivoEvent(target: SimWebhookTarget, event: unknown, attempts = 6): Promise<SimPush> {
  let push = await pushOnce(target, event);
  for (let attempt = 1; attempt < attempts && (push.status === 0 || push.status === 404 || push.status >= 500); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
    push = await pushOnce(target, event);
  }
  return push;
}

async function pushOnce(target: SimWebhookTarget, event: unknown): Promise<SimPush> {
  const raw = JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.secret) headers[target.secretHeader ?? 'x-aivo-secret'] = target.secret;
  if (target.hmacSecret) headers[target.signatureHeader ?? 'x-aivo-signature'] = createHmac('sha256', target.hmacSecret).update(raw).digest('hex');
  try {
    const response = await fetch(target.url, { method: 'POST', headers, body: raw });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { event: event as SimAgentEvent, status: response.status, body };
  } catch (error) {
    return { event: event as SimAgentEvent, status: 0, body: (error as Error).message };
  }
}

/** One human agent working one Aivo conversation. */
export class SimulatedAgent {
  private readonly agent: { id: string; name: string };

  constructor(readonly conversationId: string, private readonly channel: SimAgentChannel, name = 'Ana') {
    this.agent = { id: `agent-${name.toLowerCase()}`, name };
  }

  private now(): string {
    return new Date().toISOString();
  }

  attend(): Promise<SimPush | undefined> {
    return this.channel.emit({ version: 1, type: 'agent.attended', conversationId: this.conversationId, eventId: this.channel.nextId('att'), at: this.now(), agent: this.agent });
  }

  say(text: string): Promise<SimPush | undefined> {
    return this.send({ action: 'text', value: text });
  }

  sendFile(url: string, options: { image?: boolean; name?: string; mimeType?: string } = {}): Promise<SimPush | undefined> {
    return this.send({ action: options.image ? 'image' : 'file', value: url, ...(options.name ? { name: options.name } : {}), ...(options.mimeType ? { mimeType: options.mimeType } : {}) });
  }

  close(reason?: string): Promise<SimPush | undefined> {
    return this.channel.emit({
      version: 1,
      type: 'conversation.closed',
      conversationId: this.conversationId,
      eventId: this.channel.nextId('close'),
      at: this.now(),
      closedBy: 'agent',
      agent: this.agent,
      ...(reason ? { reason } : {}),
    });
  }

  private send(message: Extract<SimAgentEvent, { type: 'agent.message' }>['message']): Promise<SimPush | undefined> {
    return this.channel.emit({
      version: 1,
      type: 'agent.message',
      conversationId: this.conversationId,
      messageId: this.channel.nextId('msg'),
      at: this.now(),
      agent: this.agent,
      message,
    });
  }
}
