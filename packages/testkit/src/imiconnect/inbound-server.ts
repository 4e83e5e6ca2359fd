import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// The URL IMIconnect generates for a bot integration (bot → IMIconnect 1001/1002 posts), played
// by a local server. Its real answer is not documented; this one answers 200 with a Messaging-API
// style body carrying a transaction id (so receipts can refer to it) unless told otherwise.

export interface ReceivedPost {
  /** Order of arrival, from 1, counting every request. */
  seq: number;
  receivedAt: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The status this server answered. */
  status: number;
  /** The transaction id returned for an accepted post. */
  transid?: string;
}

export type InboundScript =
  | { kind: 'fail'; status: number }
  | { kind: 'rateLimit'; retryAfter: string }
  | { kind: 'hang' };

export interface ImiconnectInboundServerOptions {
  port?: number;
  host?: string;
  /** Include a transid in 2xx answers. Default true. */
  returnTransactionIds?: boolean;
}

export class ImiconnectInboundServer {
  /** Every request in arrival order, accepted or not. */
  readonly received: ReceivedPost[] = [];
  private readonly script: InboundScript[] = [];
  private delayMs = 0;
  private readonly events = new EventEmitter();
  private seq = 0;

  private constructor(private readonly server: Server, readonly url: string, private readonly options: ImiconnectInboundServerOptions) {
    this.events.setMaxListeners(1000);
  }

  static async start(options: ImiconnectInboundServerOptions = {}): Promise<ImiconnectInboundServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address() as AddressInfo;
    const inbound = new ImiconnectInboundServer(server, `http://${options.host ?? '127.0.0.1'}:${address.port}/inbound`, options);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void inbound.handle(req.headers, Buffer.concat(chunks), (status, headers, body) => {
        res.writeHead(status, headers).end(body);
      }));
    });
    return inbound;
  }

  /** The next `count` posts fail with `status` (default 503). */
  failNext(count: number, status = 503): this {
    for (let i = 0; i < count; i++) this.script.push({ kind: 'fail', status });
    return this;
  }

  /** The next `count` posts get 429 with this Retry-After (seconds or HTTP date). */
  rateLimitNext(count: number, retryAfter: string | number = 1): this {
    for (let i = 0; i < count; i++) this.script.push({ kind: 'rateLimit', retryAfter: String(retryAfter) });
    return this;
  }

  /** The next `count` posts are never answered (the caller times out). */
  hangNext(count: number): this {
    for (let i = 0; i < count; i++) this.script.push({ kind: 'hang' });
    return this;
  }

  /** Every answer waits this long first (0: no delay). */
  slowDown(ms: number): this {
    this.delayMs = ms;
    return this;
  }

  /** Forgets scripted failures and the delay. */
  reset(): this {
    this.script.length = 0;
    this.delayMs = 0;
    return this;
  }

  /** Posts answered 2xx, in order. */
  accepted(): ReceivedPost[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300);
  }

  /** Resolves with the accepted posts once there are at least `count` of them. */
  waitForAccepted(count: number, timeoutMs = 10_000): Promise<ReceivedPost[]> {
    return this.waitUntil(() => this.accepted().length >= count, timeoutMs, `${count} accepted posts`).then(() => this.accepted());
  }

  /** Resolves once at least `count` requests (any answer) arrived. */
  waitForRequests(count: number, timeoutMs = 10_000): Promise<ReceivedPost[]> {
    return this.waitUntil(() => this.received.length >= count, timeoutMs, `${count} requests`).then(() => this.received);
  }

  /** Calls `listener` for each accepted post; returns an unsubscribe function. */
  onAccepted(listener: (post: ReceivedPost) => void): () => void {
    this.events.on('accepted', listener);
    return () => this.events.off('accepted', listener);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.events.off('request', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.events.off('request', check);
        reject(new Error(`inbound server: timed out waiting for ${what} (have ${this.received.length} requests)`));
      }, timeoutMs);
      this.events.on('request', check);
    });
  }

  private async handle(
    headers: IncomingHttpHeaders,
    raw: Buffer,
    respond: (status: number, headers: Record<string, string>, body: string) => void,
  ): Promise<void> {
    const step = this.script.shift();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      body = { _unparsable: raw.toString('utf8') };
    }
    const post: ReceivedPost = { seq: ++this.seq, receivedAt: Date.now(), headers, body, status: 200 };
    if (step?.kind === 'hang') {
      post.status = 0; // never answered
      this.record(post);
      return;
    }
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (step?.kind === 'fail') {
      post.status = step.status;
      this.record(post);
      respond(step.status, { 'content-type': 'application/json' }, JSON.stringify({ error: 'simulated failure' }));
      return;
    }
    if (step?.kind === 'rateLimit') {
      post.status = 429;
      this.record(post);
      respond(429, { 'content-type': 'application/json', 'retry-after': step.retryAfter }, JSON.stringify({ error: 'rate limited' }));
      return;
    }
    const withIds = this.options.returnTransactionIds ?? true;
    post.transid = withIds ? randomUUID() : undefined;
    this.record(post);
    const answer = withIds ? { response: [{ code: '1001', description: 'Queued', transid: post.transid }] } : { status: 'ok' };
    respond(200, { 'content-type': 'application/json' }, JSON.stringify(answer));
  }

  private record(post: ReceivedPost): void {
    this.received.push(post);
    if (post.status >= 200 && post.status < 300) this.events.emit('accepted', post);
    this.events.emit('request', post);
  }
}

export function startImiconnectInboundServer(options?: ImiconnectInboundServerOptions): Promise<ImiconnectInboundServer> {
  return ImiconnectInboundServer.start(options);
}
