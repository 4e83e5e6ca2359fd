import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IadvizeCaller } from './caller';
import { durationMs, replyViolations, type SimPayload, type SimQuickReply, type SimReply } from './protocol';

// One chat as iAdvize plays it: replies form a timeline (awaits delay what follows), a new
// visitor message cancels what is still pending, a successful transfer drops the rest, close
// ends the chat, and every message shown is echoed back to the connector as an operator message.

export type TranscriptEntry =
  | { kind: 'visitor'; text: string; idMessage: string }
  | { kind: 'bot'; payload: SimPayload; quickReplies: SimQuickReply[]; idMessage: string; via: 'reply' | 'graphql' }
  | { kind: 'transfer'; distributionRule: string; outcome: 'success' | 'failure' }
  | { kind: 'closed' }
  | { kind: 'timeout'; endpoint: string }
  | { kind: 'violation'; problems: string[] };

export interface ConversationSettings {
  caller: IadvizeCaller;
  idOperator: string;
  query: string;
  /** Multiplies awaits and transfer attempts (0 = instant); read at each step. */
  timeScale: () => number;
  transferOutcome: (distributionRule: string) => 'success' | 'failure';
}

interface Envelope {
  idConversation?: string;
  replies?: SimReply[];
}

export class SimulatedConversation extends EventEmitter {
  readonly idConversation = randomUUID();
  readonly transcript: TranscriptEntry[] = [];
  state: 'open' | 'transferred' | 'closed' = 'open';
  /** Bumped by every visitor message: a timeline of an older generation stops. */
  private generation = 0;
  private sleeping = new Set<() => void>();
  private playing: Promise<void> = Promise.resolve();
  private messageCounter = 0;

  constructor(private readonly settings: ConversationSettings) {
    super();
  }

  /** POST /conversations; a takeover answer is played. */
  async start(history: Array<{ role: 'operator' | 'visitor'; text: string }> = []): Promise<void> {
    const body = {
      idOperator: this.settings.idOperator,
      idConversation: this.idConversation,
      history: history.map((h) => ({
        idMessage: randomUUID(),
        author: { role: h.role },
        payload: { contentType: 'text', value: h.text },
        createdAt: new Date().toISOString(),
      })),
    };
    const result = await this.settings.caller.send<Envelope>('post', '/conversations', this.settings.query, body);
    this.handleAnswer('POST /conversations', result.status, result.body, result.timedOut);
  }

  /** A visitor message: cancels pending replies, then plays the answer. */
  async say(text: string): Promise<void> {
    if (this.state === 'closed') throw new Error('the conversation is closed');
    this.cancelPending();
    const idMessage = `visitor-${++this.messageCounter}-${randomUUID()}`;
    this.append({ kind: 'visitor', text, idMessage });
    await this.post(idMessage, 'visitor', { contentType: 'text', value: text }, 'POST /messages (visitor)');
  }

  /** Sends a visitor message with any payload (unknown content types, replays). */
  async postVisitorPayload(payload: SimPayload, idMessage: string = randomUUID()): Promise<{ status: number; body: unknown }> {
    this.cancelPending();
    return this.post(idMessage, 'visitor', payload, 'POST /messages (visitor)');
  }

  /** Resolves when the current timeline has finished (or was cancelled). */
  idle(): Promise<void> {
    return this.playing;
  }

  /** Resolves with the first transcript entry (existing or future) that matches. */
  waitFor(predicate: (entry: TranscriptEntry) => boolean, timeoutMs = 5000): Promise<TranscriptEntry> {
    const found = this.transcript.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onEntry = (entry: TranscriptEntry) => {
        if (!predicate(entry)) return;
        clearTimeout(timer);
        this.off('entry', onEntry);
        resolve(entry);
      };
      const timer = setTimeout(() => {
        this.off('entry', onEntry);
        reject(new Error(`no matching transcript entry within ${timeoutMs} ms; transcript: ${JSON.stringify(this.transcript)}`));
      }, timeoutMs);
      this.on('entry', onEntry);
    });
  }

  /** Texts the visitor saw from the bot, in order. */
  botTexts(): string[] {
    return this.transcript.flatMap((e) => (e.kind === 'bot' && e.payload.contentType === 'text' ? [String(e.payload.value)] : []));
  }

  /** A send through GraphQL (already accepted by the API stand-in): shown at once. */
  async playGraphql(reply: SimReply): Promise<void> {
    await this.playOne(reply, 'graphql', this.generation);
  }

  private async post(idMessage: string, role: 'visitor' | 'operator', payload: SimPayload, endpoint: string) {
    const body = { idOperator: this.settings.idOperator, message: { idMessage, author: { role }, payload, createdAt: `${new Date().toISOString()}[Etc/UTC]` } };
    const path = `/conversations/${encodeURIComponent(this.idConversation)}/messages`;
    const result = await this.settings.caller.send<Envelope>('post', path, this.settings.query, body);
    if (role === 'visitor') this.handleAnswer(endpoint, result.status, result.body, result.timedOut);
    else if (result.status === 200 && (result.body?.replies?.length ?? 0) > 0) {
      this.append({ kind: 'violation', problems: ['an echo was answered with replies'] });
    }
    return { status: result.status, body: result.body as unknown };
  }

  private handleAnswer(endpoint: string, status: number, body: Envelope | undefined, timedOut: boolean): void {
    if (timedOut) {
      this.append({ kind: 'timeout', endpoint });
      return;
    }
    if (status !== 200 || !body) {
      this.append({ kind: 'violation', problems: [`${endpoint} answered ${status}`] });
      return;
    }
    const problems = replyViolations(body.replies);
    if (body.idConversation !== this.idConversation) problems.push(`${endpoint} did not echo idConversation`);
    if (problems.length > 0) this.append({ kind: 'violation', problems });
    const replies = Array.isArray(body.replies) ? body.replies : [];
    const generation = this.generation;
    this.playing = this.playing.then(() => this.playTimeline(replies, generation));
  }

  private async playTimeline(replies: SimReply[], generation: number): Promise<void> {
    for (const reply of replies) {
      if (generation !== this.generation || this.state !== 'open') return;
      const keepGoing = await this.playOne(reply, 'reply', generation);
      if (!keepGoing) return;
    }
  }

  /** Plays one reply; false when the rest of the timeline must be dropped. */
  private async playOne(reply: SimReply, via: 'reply' | 'graphql', generation: number): Promise<boolean> {
    switch (reply.type) {
      case 'message': {
        const idMessage = `bot-${++this.messageCounter}-${randomUUID()}`;
        this.append({ kind: 'bot', payload: reply.payload, quickReplies: reply.quickReplies ?? [], idMessage, via });
        await this.post(idMessage, 'operator', reply.payload, 'POST /messages (echo)');
        return true;
      }
      case 'await':
        return this.sleep(durationMs(reply.duration) * this.settings.timeScale(), generation);
      case 'transfer': {
        const outcome = this.settings.transferOutcome(reply.distributionRule);
        const timeout = reply.transferOptions ? durationMs(reply.transferOptions.timeout) : 60_000;
        // iAdvize keeps trying until the timeout before it gives up.
        if (outcome === 'failure' && !(await this.sleep(timeout * this.settings.timeScale(), generation))) return false;
        this.append({ kind: 'transfer', distributionRule: reply.distributionRule, outcome });
        if (outcome === 'success') this.state = 'transferred';
        return outcome === 'failure';
      }
      case 'close':
        this.state = 'closed';
        this.append({ kind: 'closed' });
        return false;
    }
  }

  /** False when cancelled by a newer visitor message. */
  private async sleep(ms: number, generation: number): Promise<boolean> {
    if (ms > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.sleeping.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        this.sleeping.add(wake);
      });
    }
    return generation === this.generation;
  }

  private cancelPending(): void {
    this.generation += 1;
    for (const wake of [...this.sleeping]) wake();
  }

  private append(entry: TranscriptEntry): void {
    this.transcript.push(entry);
    this.emit('entry', entry);
  }
}
