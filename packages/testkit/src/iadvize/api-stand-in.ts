import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';

// Stands in for api.iadvize.com: the OAuth password-grant token endpoint and the GraphQL
// `chatbotMessageSend` mutation. Records every call and can be told to fail.

export interface ChatbotMessageSendCall {
  conversationId: string;
  chatbotId: number;
  /** 'sd' when called with ?platform=sd. */
  platform: string;
  actionOrMessage: Record<string, unknown>;
  accept: string | undefined;
}

export interface InjectedFailure {
  /** HTTP status to answer (default 200 with userErrors when userErrors is set). */
  status?: number;
  /** GraphQL userErrors typenames to answer with HTTP 200. */
  userErrors?: string[];
  retryAfterSeconds?: number;
}

export interface IadvizeApiStandInOptions {
  username: string;
  password: string;
  /** Token lifetime in seconds. Default 86 400 (24 h, like iAdvize). */
  tokenLifetimeS?: number;
  /** Called for each accepted send, so the simulator can play it in its conversation. */
  onSend?: (call: ChatbotMessageSendCall) => Promise<void> | void;
}

export class IadvizeApiStandIn {
  readonly sends: ChatbotMessageSendCall[] = [];
  tokensIssued = 0;
  readonly app: Express;
  private readonly validTokens = new Set<string>();
  private readonly failures: InjectedFailure[] = [];

  constructor(private readonly options: IadvizeApiStandInOptions) {
    this.app = express();
    this.app.post('/oauth2/token', express.urlencoded({ extended: false }), (req, res) => {
      const form = req.body as Record<string, string | undefined>;
      if (form.grant_type !== 'password' || form.username !== options.username || form.password !== options.password) {
        res.status(401).json({ error: 'invalid_grant' });
        return;
      }
      const token = randomUUID();
      this.validTokens.add(token);
      this.tokensIssued += 1;
      res.json({ access_token: token, token_type: 'bearer', expires_in: options.tokenLifetimeS ?? 86_400 });
    });
    this.app.post('/graphql', express.json(), async (req, res) => {
      const token = (req.get('authorization') ?? '').replace(/^Bearer /, '');
      if (!this.validTokens.has(token)) {
        res.status(401).json({ errors: [{ message: 'unauthenticated' }] });
        return;
      }
      const failure = this.failures.shift();
      if (failure?.status && failure.status !== 200) {
        if (failure.retryAfterSeconds) res.set('retry-after', String(failure.retryAfterSeconds));
        res.status(failure.status).json({ errors: [{ message: 'injected failure' }] });
        return;
      }
      if (failure?.userErrors) {
        res.json({ data: { chatbotMessageSend: { userErrors: failure.userErrors.map((t) => ({ __typename: t })) } } });
        return;
      }
      const body = req.body as { variables?: { conversationId?: string; chatBotId?: number; actionOrMessage?: Record<string, unknown> } };
      const call: ChatbotMessageSendCall = {
        conversationId: String(body.variables?.conversationId),
        chatbotId: Number(body.variables?.chatBotId),
        platform: typeof req.query.platform === 'string' ? req.query.platform : 'ha',
        actionOrMessage: body.variables?.actionOrMessage ?? {},
        accept: req.get('accept'),
      };
      this.sends.push(call);
      await this.options.onSend?.(call);
      res.json({ data: { chatbotMessageSend: { userErrors: null } } });
    });
  }

  /** The next `count` sends fail this way (in order, after any already queued). */
  failNext(failure: InjectedFailure, count = 1): void {
    for (let i = 0; i < count; i += 1) this.failures.push(failure);
  }

  /** Revokes every token (a client must log in again). */
  revokeTokens(): void {
    this.validTokens.clear();
  }
}
