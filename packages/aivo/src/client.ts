import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { PermanentDeliveryError, TransientDeliveryError, compileSchema, deliveryErrorForStatus, toIssues } from '@botgate/core';
import type { AivoEndpoint, ResolvedAivoDesk } from './config';
import {
  AivoPollResponse,
  AivoQueueResponse,
  type AivoClientMessageBody,
  type AivoQueueBody,
} from './schemas';

// The HTTP calls to Aivo Live, each mapped onto the core's delivery errors so that the outbox
// knows what to do: 429 pauses (Retry-After), other 4xx dead-letter at once, 5xx / 408 /
// timeouts / network errors are retried. Only the core's job queue calls the sending ones.

/** Per-conversation credentials Aivo returned on queue. */
export interface AivoSession {
  conversationId: string;
  customToken: string;
}

export interface AivoClientOptions {
  /** Used when a 429 has no usable Retry-After. Default 30 000 ms. */
  defaultRetryAfterMs?: number;
  now?: () => number;
}

/** Fills a path template; relative templates hang off the live-handler base. */
export function resolveAivoUrl(desk: Pick<ResolvedAivoDesk, 'baseUrls'>, template: string, conversationId?: string): string {
  const filled = template
    .replace(/\{liveHandler\}/g, desk.baseUrls.liveHandler)
    .replace(/\{publicApi\}/g, desk.baseUrls.publicApi)
    .replace(/\{conversationId\}/g, conversationId === undefined ? '' : encodeURIComponent(conversationId));
  if (/^https?:\/\//i.test(filled)) return filled;
  return `${desk.baseUrls.liveHandler}${filled.startsWith('/') ? '' : '/'}${filled}`;
}

/** Group ids in whatever list shape GET /group answers (undocumented): [..], {data:[..]}, {groups:[..]}. */
export function groupIdsOf(body: unknown): number[] | null {
  const list = Array.isArray(body)
    ? body
    : body && typeof body === 'object'
      ? ['data', 'groups', 'items', 'results'].map((k) => (body as Record<string, unknown>)[k]).find(Array.isArray)
      : undefined;
  if (!Array.isArray(list)) return null;
  const ids: number[] = [];
  for (const item of list) {
    const raw = typeof item === 'object' && item ? ((item as Record<string, unknown>).id ?? (item as Record<string, unknown>).groupId) : item;
    const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (Number.isInteger(id)) ids.push(id);
  }
  return ids;
}

export class AivoClient {
  private readonly http: AxiosInstance;
  private readonly now: () => number;

  constructor(private readonly desk: ResolvedAivoDesk, private readonly options: AivoClientOptions = {}) {
    this.now = options.now ?? Date.now;
    this.http = axios.create({
      timeout: desk.timeoutMs,
      httpAgent: new HttpAgent({ keepAlive: true }),
      httpsAgent: new HttpsAgent({ keepAlive: true }),
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** POST {liveHandler}/queue/external [DOC]: the conversation waits for an agent. */
  async queue(body: AivoQueueBody): Promise<AivoQueueResponse> {
    const data = await this.call('queue', 'POST', resolveAivoUrl(this.desk, '/queue/external'), {}, body);
    const validate = compileSchema(AivoQueueResponse);
    // A 2xx without ids cannot be used, and queueing again might queue the visitor twice.
    if (!validate(data)) throw new PermanentDeliveryError(`Aivo queue answered without conversationId/customToken: ${JSON.stringify(toIssues(validate.errors))}`);
    return data;
  }

  /** POST {liveHandler}/{conversationId}/client/message [seed doc]. */
  async sendClientMessage(session: AivoSession, body: AivoClientMessageBody): Promise<void> {
    const url = resolveAivoUrl(this.desk, '/{conversationId}/client/message', session.conversationId);
    await this.call('client message', 'POST', url, this.sessionHeaders(session), body);
  }

  /** The configured close call [ASSUMPTION]; 404 / 409 / 410 mean closed already, which is what we wanted. */
  async closeConversation(session: AivoSession, reason: string): Promise<void> {
    const endpoint = this.desk.closeEndpoint;
    const url = resolveAivoUrl(this.desk, endpoint.path, session.conversationId);
    try {
      await this.call('close', endpoint.method, url, this.sessionHeaders(session), endpoint.method === 'GET' ? undefined : { reason, source: 'user' });
    } catch (error) {
      if (error instanceof PermanentDeliveryError && [404, 409, 410].includes(error.httpStatus ?? 0)) return;
      throw error;
    }
  }

  /** GET {publicApi}/group [DOC, existence only]: the ids of the groups Aivo knows, or null if the answer has no list. */
  async listGroups(): Promise<number[] | null> {
    const data = await this.call('group list', 'GET', `${this.desk.baseUrls.publicApi}/group`, {}, undefined);
    return groupIdsOf(data);
  }

  /** The polling endpoint [ASSUMPTION]: events of one conversation after `cursor`. */
  async fetchEvents(session: AivoSession, endpoint: AivoEndpoint, cursor: string | undefined): Promise<AivoPollResponse> {
    const url = resolveAivoUrl(this.desk, endpoint.path, session.conversationId);
    const params = cursor ? { after: cursor } : undefined;
    const data = await this.call('poll', endpoint.method, url, this.sessionHeaders(session), undefined, params);
    const validate = compileSchema(AivoPollResponse);
    if (!validate(data)) throw new PermanentDeliveryError(`Aivo poll answer does not match: ${JSON.stringify(toIssues(validate.errors))}`);
    return data;
  }

  private sessionHeaders(session: AivoSession): Record<string, string> {
    const headers: Record<string, string> = { [this.desk.auth.customTokenHeader]: session.customToken };
    if (this.desk.auth.bearer) headers.authorization = `Bearer ${session.customToken}`;
    return headers;
  }

  private async call(what: string, method: AivoEndpoint['method'], url: string, headers: Record<string, string>, body: unknown, params?: Record<string, string>): Promise<unknown> {
    let status: number;
    let data: unknown;
    let retryAfter: unknown;
    try {
      const response = await this.http.request({
        method,
        url,
        params,
        data: body,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...this.desk.headers, ...headers },
      });
      status = response.status;
      data = response.data;
      retryAfter = response.headers['retry-after'];
    } catch (error) {
      const code = error instanceof AxiosError ? (error.code ?? 'network') : 'network';
      throw new TransientDeliveryError(`Aivo ${what} unreachable (${code})`);
    }
    if (status >= 200 && status < 300) return data;
    throw deliveryErrorForStatus({ status, what: `Aivo ${what}`, retryAfterHeader: retryAfter, nowMs: this.now(), defaultRetryAfterMs: this.options.defaultRetryAfterMs });
  }

  /** Frees keep-alive sockets (tests, shutdown). */
  dispose(): void {
    (this.http.defaults.httpAgent as HttpAgent | undefined)?.destroy();
    (this.http.defaults.httpsAgent as HttpsAgent | undefined)?.destroy();
  }
}
