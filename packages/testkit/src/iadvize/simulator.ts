import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IadvizeApiStandIn, type ChatbotMessageSendCall } from './api-stand-in';
import { IadvizeCaller, type CallResult } from './caller';
import { SimulatedConversation } from './conversation';
import { replyViolations, type SimDistributionRule, type SimReply } from './protocol';

// The iAdvize platform, as far as a connector can tell: it calls the connector's endpoints in
// iAdvize's order, plays the answers in simulated chats, and stands in for the GraphQL API and
// OAuth token endpoint (start() serves them on a local port).

export interface IadvizeSimulatorOptions {
  /** Connector base URL, e.g. http://127.0.0.1:3000/iadvize. */
  gatewayUrl: string;
  secret: string;
  idWebsite?: string;
  idConnectorVersion?: string;
  /** Multiplies awaits and transfer attempts: 1 = real time, 0.01 = 100× faster, 0 = instant. */
  timeScale?: number;
  /** Default: every transfer fails. */
  transferOutcome?: 'success' | 'failure' | ((distributionRule: string) => 'success' | 'failure');
  timeoutMs?: number;
  firstMessagesTimeoutMs?: number;
  /** GraphQL credentials the stand-in accepts. */
  apiUsername?: string;
  apiPassword?: string;
  tokenLifetimeS?: number;
}

export interface BotSetup {
  idOperator: string;
  /** Scenario to pick; default the first one listed. */
  idBot?: string;
  language?: string;
  name?: string;
  distributionRules?: SimDistributionRule[];
}

export interface BotSetupResult {
  scenarios: CallResult<Array<{ idBot: string; name: string }>>;
  bot: CallResult;
  availability: CallResult;
}

export class IadvizeSimulator {
  readonly caller: IadvizeCaller;
  readonly api: IadvizeApiStandIn;
  readonly conversations = new Map<string, SimulatedConversation>();
  /** Protocol problems seen outside conversations (configuration endpoints, first messages). */
  readonly violations: string[] = [];
  transferOutcome: (distributionRule: string) => 'success' | 'failure';
  /** Multiplies awaits and transfer attempts; may be changed while chats run. */
  timeScale: number;
  private server: Server | null = null;
  private readonly idWebsite: string;
  private readonly idConnectorVersion: string;

  constructor(private readonly options: IadvizeSimulatorOptions) {
    this.caller = new IadvizeCaller({
      gatewayUrl: options.gatewayUrl,
      secret: options.secret,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.firstMessagesTimeoutMs !== undefined ? { firstMessagesTimeoutMs: options.firstMessagesTimeoutMs } : {}),
    });
    this.idWebsite = options.idWebsite ?? 'ha-123';
    this.idConnectorVersion = options.idConnectorVersion ?? randomUUID();
    this.timeScale = options.timeScale ?? 1;
    const outcome = options.transferOutcome ?? 'failure';
    this.transferOutcome = typeof outcome === 'function' ? outcome : () => outcome;
    this.api = new IadvizeApiStandIn({
      username: options.apiUsername ?? 'bot@example.com',
      password: options.apiPassword ?? 'bot-password',
      ...(options.tokenLifetimeS !== undefined ? { tokenLifetimeS: options.tokenLifetimeS } : {}),
      onSend: (call) => this.playSend(call),
    });
  }

  /** Serves the GraphQL / OAuth stand-in; returns its base URL (the connector's graphql.apiUrl). */
  async start(port = 0): Promise<string> {
    this.server = await new Promise<Server>((resolve) => {
      const server = this.api.app.listen(port, '127.0.0.1', () => resolve(server));
    });
    return this.apiUrl;
  }

  get apiUrl(): string {
    if (!this.server) throw new Error('simulator not started');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private query(extra: Record<string, string> = {}): string {
    return new URLSearchParams({ idConnectorVersion: this.idConnectorVersion, idWebsite: this.idWebsite, ...extra }).toString();
  }

  /** What an admin does: list scenarios, create the bot operator, then iAdvize polls availability. */
  async setupBot(setup: BotSetup): Promise<BotSetupResult> {
    const scenarios = await this.caller.get<Array<{ idBot: string; name: string }>>('/external-bots', this.query());
    const idBot = setup.idBot ?? scenarios.body?.[0]?.idBot;
    if (scenarios.status !== 200 || !idBot) throw new Error(`GET /external-bots answered ${scenarios.status}`);
    const bot = await this.caller.send('put', `/bots/${encodeURIComponent(setup.idOperator)}`, this.query(), {
      name: setup.name ?? 'Bot',
      pseudo: setup.name ?? 'Bot',
      language: setup.language ?? 'en',
      distributionRules: setup.distributionRules ?? [],
      external: { idBot },
    });
    const availability = await this.pollAvailability(setup.idOperator);
    return { scenarios, bot, availability };
  }

  pollAvailability(idOperator: string): Promise<CallResult> {
    return this.caller.get('/availability-strategies', this.query({ idOperator }));
  }

  /**
   * A visitor opens the chatbox: first messages (2 s budget; too late = not shown), then
   * POST /conversations with them in the history. The visitor speaks with `say()`.
   */
  async openConversation(idOperator: string, options: { history?: Array<{ role: 'operator' | 'visitor'; text: string }> } = {}) {
    const first = await this.caller.get<{ replies?: SimReply[] }>(
      `/bots/${encodeURIComponent(idOperator)}/conversation-first-messages`,
      new URLSearchParams({ idConnectorVersion: this.idConnectorVersion }).toString(),
      true,
    );
    const shown = first.timedOut || first.status !== 200 ? [] : (first.body?.replies ?? []);
    if (!first.timedOut) this.violations.push(...replyViolations(first.body?.replies, true).map((p) => `first messages: ${p}`));
    const conversation = new SimulatedConversation({
      caller: this.caller,
      idOperator,
      query: this.query(),
      timeScale: () => this.timeScale,
      transferOutcome: (rule) => this.transferOutcome(rule),
    });
    this.conversations.set(conversation.idConversation, conversation);
    const firstTexts = shown.flatMap((r) => (r.type === 'message' && r.payload.contentType === 'text' ? [String(r.payload.value)] : []));
    const history = options.history ?? firstTexts.map((text) => ({ role: 'operator' as const, text }));
    await conversation.start(history);
    return { conversation, firstMessages: first };
  }

  /** A GraphQL send is shown in its conversation (and echoed) like any reply. */
  private async playSend(call: ChatbotMessageSendCall): Promise<void> {
    const conversation = this.conversations.get(call.conversationId);
    if (!conversation) return;
    const reply = graphqlToReply(call.actionOrMessage);
    if (reply) await conversation.playGraphql(reply);
  }
}

/** ChatbotActionOrMessageInput → the reply iAdvize would show. */
export function graphqlToReply(input: Record<string, unknown>): SimReply | null {
  const message = input.chatbotMessage as Record<string, unknown> | undefined;
  const action = input.chatbotAction as Record<string, unknown> | undefined;
  if (message && typeof message.chatbotSimpleTextMessage === 'string') {
    return { type: 'message', payload: { contentType: 'text', value: message.chatbotSimpleTextMessage }, quickReplies: [] };
  }
  const menu = (message?.chatbotMessageAttachmentInput as { quickReplyMenu?: { message: string; choices: string[] } } | undefined)
    ?.quickReplyMenu;
  if (menu) {
    return {
      type: 'message',
      payload: { contentType: 'text', value: menu.message },
      quickReplies: menu.choices.map((value) => ({ contentType: 'text/quick-reply', value })),
    };
  }
  const transfer = action?.transferMessage as { routingRuleId: string; transferOptions?: { timeout: number } } | undefined;
  if (transfer) {
    return {
      type: 'transfer',
      distributionRule: transfer.routingRuleId,
      transferOptions: { timeout: { unit: 'seconds', value: transfer.transferOptions?.timeout ?? 60 } },
    };
  }
  if (action?.closeMessage) return { type: 'close' };
  return null;
}
