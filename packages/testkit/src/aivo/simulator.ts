import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Recorder } from '../recording';
import { SimAgentChannel, SimulatedAgent, type SimAgentEvent, type SimWebhookTarget } from './agent';
import { checkClientMessageBody, checkQueueBody, type SimClientMessageItem, type SimJson } from './checks';

// Aivo Live played by a local express server: the documented queue and client-message calls,
// the close call, polling and GET /group the gateway assumes (README of @botgate/aivo), and
// scripted agents. It can be told to be down (5xx), to rate-limit, or to be slow.

export interface AivoSimulatorOptions {
  port?: number;
  host?: string;
  /** Groups GET /group lists. Default [1, 2, 3]. */
  groups?: number[];
  /** Header that must carry the customToken on follow-up calls. Default "x-token". */
  customTokenHeader?: string;
}

export interface SimConversation {
  id: string;
  customToken: string;
  messageQueueId: number;
  queueBody: SimJson;
  state: 'queued' | 'attended' | 'closed';
  clientMessages: SimClientMessageItem[];
  /** What agents did, in order; the polling endpoint serves it. */
  agentEvents: SimAgentEvent[];
  closeBodies: unknown[];
}

/** What scripted agents do; each hook runs after the HTTP answer, never inside it. */
export interface AivoAgentScript {
  onQueued?(agent: SimulatedAgent, conversation: SimConversation): Promise<void> | void;
  onClientMessage?(agent: SimulatedAgent, item: SimClientMessageItem, conversation: SimConversation): Promise<void> | void;
}

export interface SimRequest {
  method: string;
  path: string;
  status: number;
  problems?: string[];
}

type Fault = { kind: 'status'; status: number } | { kind: 'rateLimit'; retryAfter: string };

export class AivoLiveSimulator {
  readonly conversations = new Map<string, SimConversation>();
  /** Every call in arrival order with the status answered. */
  readonly requests = new Recorder<SimRequest>();
  readonly queued = new Recorder<SimConversation>();
  readonly clientMessages = new Recorder<{ conversationId: string; item: SimClientMessageItem }>();
  readonly closes = new Recorder<{ conversationId: string; body: unknown }>();
  readonly agents: SimAgentChannel;
  script: AivoAgentScript = {};
  private readonly faults: Fault[] = [];
  private downStatus: number | undefined;
  private delayMs = 0;

  private constructor(private readonly server: Server, readonly url: string, private readonly options: AivoSimulatorOptions) {
    this.agents = new SimAgentChannel((event) => {
      const conversation = this.conversations.get(event.conversationId);
      if (!conversation) return;
      conversation.agentEvents.push(event);
      if (event.type === 'agent.attended' && conversation.state === 'queued') conversation.state = 'attended';
      if (event.type === 'conversation.closed') conversation.state = 'closed';
    });
  }

  /** The desk's baseUrls.liveHandler. */
  get liveHandlerUrl(): string {
    return `${this.url}/api/v1/live-handler`;
  }

  /** The desk's baseUrls.publicApi. */
  get publicApiUrl(): string {
    return `${this.url}/public`;
  }

  static async start(options: AivoSimulatorOptions = {}): Promise<AivoLiveSimulator> {
    const app = express();
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
    });
    const { port } = server.address() as AddressInfo;
    const simulator = new AivoLiveSimulator(server, `http://${options.host ?? '127.0.0.1'}:${port}`, options);
    simulator.mount(app);
    return simulator;
  }

  /** Agents push to the gateway's webhook from now on (otherwise they are only polled). */
  connectWebhook(target: SimWebhookTarget): this {
    this.agents.webhook = target;
    return this;
  }

  agent(conversationId: string, name?: string): SimulatedAgent {
    return new SimulatedAgent(conversationId, this.agents, name);
  }

  /** Every call answers `status` until up(). */
  down(status = 503): this {
    this.downStatus = status;
    return this;
  }

  up(): this {
    this.downStatus = undefined;
    return this;
  }

  failNext(count: number, status = 503): this {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'status', status });
    return this;
  }

  rateLimitNext(count: number, retryAfter: string | number = 1): this {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'rateLimit', retryAfter: String(retryAfter) });
    return this;
  }

  /** Every answer waits this long (0: none). */
  slow(ms: number): this {
    this.delayMs = ms;
    return this;
  }

  /** The client messages of one conversation, in arrival order. */
  messagesOf(conversationId: string): SimClientMessageItem[] {
    return this.conversations.get(conversationId)?.clientMessages ?? [];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private mount(app: express.Express): void {
    app.use(express.json({ limit: '1mb' }));
    app.use((req, res, next) => void this.gate(req, res, next));
    app.post('/api/v1/live-handler/queue/external', (req, res) => this.onQueue(req, res));
    app.post('/api/v1/live-handler/:id/client/message', (req, res) => this.onClientMessage(req, res));
    app.post('/api/v1/live-handler/:id/close', (req, res) => this.onClose(req, res));
    app.get('/api/v1/live-handler/:id/messages', (req, res) => this.onPoll(req, res));
    app.get('/public/group', (_req, res) => this.answer(_req, res, 200, { data: (this.options.groups ?? [1, 2, 3]).map((id) => ({ id, name: `Group ${id}` })) }));
    app.use((req: Request, res: Response) => this.answer(req, res, 404, { error: 'not found' }));
  }

  private async gate(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const fault = this.downStatus !== undefined ? ({ kind: 'status', status: this.downStatus } as Fault) : this.faults.shift();
    if (!fault) return next();
    if (fault.kind === 'rateLimit') {
      res.setHeader('retry-after', fault.retryAfter);
      return this.answer(req, res, 429, { error: 'too many requests' });
    }
    this.answer(req, res, fault.status, { error: 'simulated failure' });
  }

  private answer(req: Request, res: Response, status: number, body: unknown, problems?: string[]): void {
    this.requests.push({ method: req.method, path: req.path, status, ...(problems ? { problems } : {}) });
    res.status(status).json(body);
  }

  /** The conversation named in the path, if the customToken header matches it. */
  private authorized(req: Request, res: Response): SimConversation | undefined {
    const conversation = this.conversations.get(String(req.params.id));
    if (!conversation) return void this.answer(req, res, 404, { error: 'conversation not found' });
    const token = req.headers[this.options.customTokenHeader ?? 'x-token'];
    if (token !== conversation.customToken) return void this.answer(req, res, 401, { error: 'invalid token' });
    return conversation;
  }

  private onQueue(req: Request, res: Response): void {
    const problems = checkQueueBody(req.body);
    if (problems.length) return this.answer(req, res, 400, { error: 'invalid body', problems }, problems);
    const conversation: SimConversation = {
      id: randomUUID(),
      customToken: randomBytes(16).toString('hex'),
      messageQueueId: this.conversations.size + 1,
      queueBody: req.body as SimJson,
      state: 'queued',
      clientMessages: [],
      agentEvents: [],
      closeBodies: [],
    };
    this.conversations.set(conversation.id, conversation);
    this.answer(req, res, 200, { conversationId: conversation.id, customToken: conversation.customToken, messageQueueId: conversation.messageQueueId, notAttended: false });
    this.queued.push(conversation);
    this.runScript(() => this.script.onQueued?.(this.agent(conversation.id), conversation));
  }

  private onClientMessage(req: Request, res: Response): void {
    const conversation = this.authorized(req, res);
    if (!conversation) return;
    const problems = checkClientMessageBody(req.body);
    if (problems.length) return this.answer(req, res, 400, { error: 'invalid body', problems }, problems);
    if (conversation.state === 'closed') return this.answer(req, res, 409, { error: 'conversation closed' });
    const items = (req.body as { message: SimClientMessageItem[] }).message;
    conversation.clientMessages.push(...items);
    this.answer(req, res, 200, { ok: true });
    for (const item of items) this.clientMessages.push({ conversationId: conversation.id, item });
    this.runScript(async () => {
      for (const item of items) await this.script.onClientMessage?.(this.agent(conversation.id), item, conversation);
    });
  }

  private onClose(req: Request, res: Response): void {
    const conversation = this.authorized(req, res);
    if (!conversation) return;
    conversation.state = 'closed';
    conversation.closeBodies.push(req.body);
    this.answer(req, res, 200, { ok: true });
    this.closes.push({ conversationId: conversation.id, body: req.body });
  }

  private onPoll(req: Request, res: Response): void {
    const conversation = this.authorized(req, res);
    if (!conversation) return;
    const after = typeof req.query.after === 'string' ? req.query.after : undefined;
    const ids = conversation.agentEvents.map((e) => (e.type === 'agent.message' ? e.messageId : e.eventId));
    const start = after ? ids.indexOf(after) + 1 : 0;
    const events = conversation.agentEvents.slice(start);
    this.answer(req, res, 200, { events, ...(events.length ? { cursor: ids[ids.length - 1] } : after ? { cursor: after } : {}) });
  }

  private runScript(run: () => Promise<void> | void): void {
    setImmediate(() => {
      Promise.resolve()
        .then(run)
        .catch((error: unknown) => console.error('aivo simulator agent script failed', error));
    });
  }
}
