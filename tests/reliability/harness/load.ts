import { incomingMessage, type ImiconnectInboundServer, ImiconnectPlatformSimulator } from '../../../packages/testkit/src/imiconnect';
import type { IadvizeSimulator, SimulatedConversation } from '../../../packages/testkit/src/iadvize';
import { IMI_INTEGRATION } from './gateway-config';
import { SECRETS } from './secrets';
import { inParallel, waitUntil } from './wait';

// Vendor load generators. Each visitor sends its messages one after the other (a conversation
// has an order only if its sender has one); conversations run in parallel. Every message text is
// unique, and the echo bot answers "echo: <text>", so replies can be counted one by one.

export interface SendStats {
  /** Messages the gateway acknowledged (2xx), after the sender's own retries. */
  acked: number;
  /** Messages never acknowledged (the sender gave up). */
  refused: number;
  /** Non-2xx answers seen on the way, by status (0 = network error / timeout). */
  statuses: Map<number, number>;
}

function newStats(): SendStats {
  return { acked: 0, refused: 0, statuses: new Map() };
}

function count(stats: SendStats, status: number): void {
  if (status >= 200 && status < 300) return;
  stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
}

export function formatStatuses(stats: SendStats): string {
  return [...stats.statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ') || 'none';
}

/** IMIconnect: the platform simulator POSTs webhook events (and retries as IMIconnect does, time-compressed). */
export class ImiLoad {
  readonly expected = new Map<string, string[]>();
  readonly stats = newStats();
  readonly platform: ImiconnectPlatformSimulator;

  constructor(gatewayUrl: string, private readonly inbound: ImiconnectInboundServer, private readonly tag: string, retryDelaysMs = [50, 100, 200, 400]) {
    this.platform = new ImiconnectPlatformSimulator({
      webhookUrl: `${gatewayUrl}/imiconnect/${IMI_INTEGRATION}`,
      verificationToken: SECRETS.IMI_TOKEN,
      tokenPlacement: 'bearer',
      retryDelaysMs,
      // The simulated webhook must not go inactive during an outage we cause on purpose.
      deactivateAfter: 1_000_000,
      timeoutMs: 5_000,
    });
  }

  async run(conversations: number, messages: number, parallel: number, onAck: () => void = () => undefined): Promise<void> {
    const ids = Array.from({ length: conversations }, (_, c) => `${this.tag}-imi-${c}`);
    await inParallel(ids, parallel, async (conversationId) => {
      const texts: string[] = [];
      this.expected.set(conversationId, texts);
      for (let n = 0; n < messages; n++) {
        const text = `${conversationId}-${n}`;
        const outcome = await this.platform.send(incomingMessage({ conversationId, messageId: `${conversationId}-m${n}`, message: text }));
        for (const attempt of outcome.attempts) count(this.stats, attempt.status);
        // Only acknowledged messages are the gateway's responsibility.
        if (outcome.delivered) {
          texts.push(`echo: ${text}`);
          this.stats.acked += 1;
          onAck();
        } else this.stats.refused += 1;
      }
    });
  }

  /** Echo replies received by the simulated IMIconnect inbound URL, per conversation, in arrival order. */
  received(): Map<string, string[]> {
    const got = new Map<string, string[]>();
    for (const post of this.inbound.accepted()) {
      const conversation = String(post.body.conversation_id ?? '');
      if (!this.expected.has(conversation) || post.body.eventid !== '1001') continue;
      const list = got.get(conversation) ?? [];
      list.push(String(post.body.message));
      got.set(conversation, list);
    }
    return got;
  }
}

interface ApiActionsPage {
  actions: Array<{ cursor: string; action: { type: string; content?: { type: string; text?: string } } }>;
}

/** The canonical API channel: a web chat opening conversations, posting, then reading actions. */
export class ApiLoad {
  readonly expected = new Map<string, string[]>();
  readonly stats = newStats();

  constructor(private readonly gatewayUrl: string, private readonly tag: string, private readonly retryFor503Ms = 0) {}

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${this.gatewayUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${SECRETS.API_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    }).catch(() => null);
    if (!response) return { status: 0, json: {} };
    return { status: response.status, json: (await response.json().catch(() => ({}))) as Record<string, unknown> };
  }

  /** A client that retries 503s (and network errors) for a bounded time, as a web chat would. */
  private async callRetrying(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const deadline = Date.now() + this.retryFor503Ms;
    for (;;) {
      const result = await this.call(method, path, body);
      count(this.stats, result.status);
      if ((result.status !== 503 && result.status !== 0) || Date.now() > deadline) return result;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async run(conversations: number, messages: number, parallel: number, onAck: () => void = () => undefined): Promise<void> {
    await inParallel(Array.from({ length: conversations }, (_, c) => c), parallel, async (c) => {
      const opened = await this.callRetrying('POST', '/api/v1/conversations', { userId: `${this.tag}-user-${c}` });
      if (opened.status !== 201) {
        this.stats.refused += messages;
        return;
      }
      const externalId = String(opened.json.externalId);
      const texts: string[] = [];
      this.expected.set(externalId, texts);
      for (let n = 0; n < messages; n++) {
        const text = `${this.tag}-api-${c}-${n}`;
        // messageId makes a retried POST a duplicate the gateway drops, not a second message.
        const posted = await this.callRetrying('POST', `/api/v1/conversations/${externalId}/messages`, { text, messageId: `m-${n}` });
        if (posted.status === 202) {
          texts.push(`echo: ${text}`);
          this.stats.acked += 1;
          onAck();
        } else this.stats.refused += 1;
      }
    });
  }

  /** Every message action of every conversation, in the channel's order (cursor). */
  async received(): Promise<Map<string, string[]>> {
    const got = new Map<string, string[]>();
    for (const externalId of this.expected.keys()) {
      const page = await this.call('GET', `/api/v1/conversations/${externalId}/actions?after=0`);
      const actions = (page.json as unknown as ApiActionsPage).actions ?? [];
      got.set(
        externalId,
        actions.flatMap((a) => (a.action.type === 'message' && a.action.content?.type === 'text' && a.action.content.text ? [a.action.content.text] : [])),
      );
    }
    return got;
  }
}

/** iAdvize: the simulator's visitors; each waits for the echo (in the answer or through GraphQL) before writing again. */
export class IadvizeLoad {
  readonly expected = new Map<string, string[]>();
  readonly stats = newStats();
  readonly conversations: SimulatedConversation[] = [];
  /** Replies that came through GraphQL (deferred) rather than in the HTTP answer. */
  deferred = 0;

  constructor(private readonly simulator: IadvizeSimulator, private readonly idOperator: string, private readonly tag: string) {}

  async run(conversations: number, messages: number, parallel: number, replyTimeoutMs: number, onAck: () => void = () => undefined): Promise<void> {
    await inParallel(Array.from({ length: conversations }, (_, c) => c), parallel, async (c) => {
      const { conversation } = await this.simulator.openConversation(this.idOperator);
      this.conversations.push(conversation);
      const texts: string[] = [];
      this.expected.set(conversation.idConversation, texts);
      for (let n = 0; n < messages; n++) {
        const text = `${this.tag}-iad-${c}-${n}`;
        const failuresBefore = this.failedAnswers(conversation);
        await conversation.say(text);
        if (this.failedAnswers(conversation) > failuresBefore) {
          // iAdvize does not retry a visitor message: a refused one is the visitor's to resend.
          this.stats.refused += 1;
          continue;
        }
        texts.push(`echo: ${text}`);
        this.stats.acked += 1;
        onAck();
        // The visitor reads the reply before writing again (iAdvize cancels pending replies otherwise).
        await conversation.waitFor((e) => e.kind === 'bot' && e.payload.value === `echo: ${text}`, replyTimeoutMs).catch(() => undefined);
      }
    });
  }

  private failedAnswers(conversation: SimulatedConversation): number {
    return conversation.transcript.filter((e) => e.kind === 'timeout' || (e.kind === 'violation' && e.problems.some((p) => / answered \d+$/.test(p)))).length;
  }

  received(): Map<string, string[]> {
    const got = new Map<string, string[]>();
    this.deferred = 0;
    for (const conversation of this.conversations) {
      got.set(conversation.idConversation, conversation.botTexts());
      this.deferred += conversation.transcript.filter((e) => e.kind === 'bot' && e.via === 'graphql').length;
    }
    return got;
  }

  /** Protocol problems the simulator saw (answers other than 200, timeouts). */
  problems(): string[] {
    return this.conversations.flatMap((c) =>
      c.transcript.flatMap((e) => (e.kind === 'violation' ? e.problems : e.kind === 'timeout' ? [`timeout on ${e.endpoint}`] : [])),
    );
  }
}

export { waitUntil };
