import axios, { type AxiosInstance } from 'axios';
import {
  ActionList,
  compileSchema,
  text,
  toIssues,
  type BotClient,
  type BotDescriptor,
  type BotTurnInput,
  type BotTurnResult,
  type Content,
  type Logger,
} from '@botgate/core';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signBotgatePayload } from './signature';
import { silentLogger } from '@botgate/core';

export interface WebhookBotOptions {
  id: string;
  name: string;
  description?: string;
  editorUrl?: string;
  language?: string;
  /** The team's bot endpoint; receives one POST per turn. */
  url: string;
  /** HMAC key for X-Botgate-Signature. Never logged. */
  secret: string;
  /** Whole-call deadline (connect + response), ms. Default 5000. */
  timeoutMs?: number;
  /** Said instead when the bot times out, fails or answers something invalid. */
  fallbackText: string;
  /** Whether the bot wants observe-only events too. */
  observes?: boolean;
  /** Extra request headers (e.g. an API gateway key); the X-Botgate-* headers always win. */
  headers?: Record<string, string>;
  /** Shown when a chat opens; the webhook is not called for them (they must be instant). */
  firstMessages?: Content[];
  /** Largest response accepted, bytes. Default 1 MiB. */
  maxResponseBytes?: number;
  logger?: Logger;
}

/** What the bot endpoint receives (version 1 of the protocol). */
export interface WebhookRequestBody {
  version: 1;
  event: Omit<BotTurnInput['event'], 'raw'>;
  conversation: BotTurnInput['conversation'];
  botState: unknown;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const ResponseActions = ActionList;

/** Thrown inside turn() only; turned into the fallback text there. */
class BadBotResponse extends Error {}

/**
 * A bot hosted by a team behind an HTTPS endpoint, speaking the canonical model. Stateless: the
 * bot's own state travels as `botState` in the request and comes back in the response.
 */
export class WebhookBot implements BotClient {
  readonly descriptor: BotDescriptor;
  readonly observes?: boolean;
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: WebhookBotOptions) {
    this.descriptor = {
      id: options.id,
      name: options.name,
      description: options.description,
      editorUrl: options.editorUrl,
      language: options.language,
    };
    this.observes = options.observes;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    this.logger = options.logger ?? silentLogger;
    const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.http = axios.create({
      timeout: this.timeoutMs,
      maxRedirects: 0,
      maxContentLength: maxBytes,
      // We parse ourselves so that a garbage body is a fallback, not an axios quirk.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
    });
  }

  async firstMessages(): Promise<Content[]> {
    return this.options.firstMessages ?? [];
  }

  async turn(input: BotTurnInput): Promise<BotTurnResult> {
    try {
      return await this.call(input);
    } catch (error) {
      this.logger.warn('webhook bot failed, answering with the fallback text', {
        botId: this.descriptor.id,
        conversationId: input.conversation.id,
        eventId: input.event.id,
        reason: describeFailure(error, this.timeoutMs),
      });
      // Keep the bot's state: a failed turn must not make the bot forget where it was.
      return { actions: [{ type: 'message', content: text(this.options.fallbackText) }], botState: input.botState };
    }
  }

  private async call(input: BotTurnInput): Promise<BotTurnResult> {
    // `raw` is the vendor payload: the protocol stays vendor-neutral and PII-lean without it.
    const { raw: _raw, ...event } = input.event;
    const body: WebhookRequestBody = { version: 1, event, conversation: input.conversation, botState: input.botState ?? null };
    const rawBody = JSON.stringify(body);
    const timestamp = String(Date.now());
    const response = await this.http.post<string>(this.options.url, rawBody, {
      headers: {
        ...this.options.headers,
        'Content-Type': 'application/json',
        Accept: 'application/json',
        [TIMESTAMP_HEADER]: timestamp,
        [DELIVERY_HEADER]: input.event.id,
        [SIGNATURE_HEADER]: signBotgatePayload(this.options.secret, timestamp, rawBody),
      },
      // axios' own timeout is per socket inactivity; the signal bounds the whole call.
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (response.status < 200 || response.status >= 300) throw new BadBotResponse(`HTTP ${response.status}`);
    return parseBotResponse(response.data, input.botState);
  }
}

/** The response body as a turn result: `{actions, botState?}` or a bare action array. */
export function parseBotResponse(data: unknown, previousState: unknown): BotTurnResult {
  const bodyText = typeof data === 'string' ? data.trim() : '';
  // 204 or an empty body: the bot has nothing to say this turn.
  if (!bodyText) return { actions: [], botState: previousState };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    throw new BadBotResponse('response is not JSON');
  }
  let actions: unknown;
  let botState = previousState;
  if (Array.isArray(parsed)) {
    actions = parsed;
  } else if (parsed !== null && typeof parsed === 'object' && 'actions' in parsed) {
    actions = parsed.actions;
    // An explicit botState (even null) replaces the old one; none keeps it.
    if ('botState' in parsed) botState = parsed.botState;
  } else {
    throw new BadBotResponse('response has no "actions"');
  }
  const validate = compileSchema(ResponseActions);
  if (!validate(actions)) {
    const issues = toIssues(validate.errors)
      .slice(0, 5)
      .map((i) => `/actions${i.path === '/' ? '' : i.path} ${i.reason}`);
    throw new BadBotResponse(`invalid actions: ${issues.join('; ')}`);
  }
  return { actions, botState };
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof BadBotResponse) return error.message;
  if (axios.isAxiosError(error)) {
    if (error.code === 'ECONNABORTED' || error.code === 'ERR_CANCELED' || error.code === 'ETIMEDOUT') {
      return `timeout after ${timeoutMs} ms`;
    }
    if (error.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(error.message)) return 'response too large';
    // Only the code and message: the config (headers, hence the signature) stays out of logs.
    return `request failed: ${error.code ?? 'error'} ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
