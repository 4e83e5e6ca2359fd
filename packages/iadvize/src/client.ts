import axios, { AxiosError, type AxiosInstance } from 'axios';
import {
  PermanentDeliveryError,
  RateLimitedError,
  TransientDeliveryError,
  deliveryErrorForStatus,
  assertValid,
  type Clock,
} from '@botgate/core';
import { ChatbotActionOrMessageInput } from './schemas';

// iAdvize GraphQL client for deferred sends: `chatbotMessageSend`, one message or action per
// call, with an OAuth password-grant token cached until shortly before it expires (spec §8).

export const DEFAULT_IADVIZE_API_URL = 'https://api.iadvize.com';

export const CHATBOT_MESSAGE_SEND = `mutation SendProactiveMessage($conversationId: UUID!, $chatBotId: Int!, $actionOrMessage: ChatbotActionOrMessageInput!) {
  chatbotMessageSend(input: { conversationId: $conversationId, chatbotId: $chatBotId, actionOrMessage: $actionOrMessage }) {
    userErrors { __typename }
  }
}`;

/** The mutation is a preview feature: iAdvize wants this Accept header. */
const PREVIEW_ACCEPT = 'application/vnd.iadvize.automation-chatbot-conversation-preview+json';

export interface IadvizeGraphqlClientOptions {
  /** Base of the GraphQL and OAuth endpoints; the simulator's URL in tests. */
  apiUrl?: string;
  /** Separate token endpoint base, when it differs from apiUrl. */
  authUrl?: string;
  username: string;
  password: string;
  /** Refresh this long before the token expires. Default 60 s. */
  refreshMarginMs?: number;
  /** Per-call timeout. Default 10 s. */
  timeoutMs?: number;
  clock?: Clock;
  http?: AxiosInstance;
}

export interface ChatbotMessageSendInput {
  /** iAdvize's conversation id (never ours). */
  conversationId: string;
  /** `ha-123` / `sd-123`: gives the platform and the chatbot id. */
  idOperator: string;
  actionOrMessage: ChatbotActionOrMessageInput;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/** `sd-456` → { platform: 'sd', chatbotId: 456 }; throws for an id without an integer part. */
export function parseIdOperator(idOperator: string): { platform: string; chatbotId: number } {
  const match = /^([a-z]+)-(\d+)$/i.exec(idOperator.trim());
  if (!match) throw new PermanentDeliveryError(`idOperator ${JSON.stringify(idOperator)} has no integer chatbot id`);
  return { platform: match[1].toLowerCase(), chatbotId: Number(match[2]) };
}

export class IadvizeGraphqlClient {
  private readonly http: AxiosInstance;
  private readonly apiUrl: string;
  private readonly authUrl: string;
  private readonly clock: Clock;
  private token: CachedToken | null = null;
  /** One refresh at a time: concurrent sends share it (login is rate limited, 10/min). */
  private refreshing: Promise<CachedToken> | null = null;

  constructor(private readonly options: IadvizeGraphqlClientOptions) {
    this.apiUrl = (options.apiUrl ?? DEFAULT_IADVIZE_API_URL).replace(/\/+$/, '');
    this.authUrl = (options.authUrl ?? this.apiUrl).replace(/\/+$/, '');
    this.clock = options.clock ?? { now: () => Date.now() };
    this.http = options.http ?? axios.create({ timeout: options.timeoutMs ?? 10_000 });
  }

  async chatbotMessageSend(input: ChatbotMessageSendInput): Promise<void> {
    const actionOrMessage = assertValid(ChatbotActionOrMessageInput, input.actionOrMessage, 'chatbotMessageSend input');
    const { platform, chatbotId } = parseIdOperator(input.idOperator);
    const url = `${this.apiUrl}/graphql${platform === 'sd' ? '?platform=sd' : ''}`;
    const body = {
      query: CHATBOT_MESSAGE_SEND,
      variables: { conversationId: input.conversationId, chatBotId: chatbotId, actionOrMessage },
    };
    const post = async (token: string) =>
      this.http.post<unknown>(url, body, {
        headers: { Authorization: `Bearer ${token}`, Accept: PREVIEW_ACCEPT, 'Content-Type': 'application/json' },
      });
    let response;
    try {
      response = await post(await this.accessToken());
    } catch (error) {
      // A token revoked before its expiry: log in again once.
      if (!(error instanceof AxiosError) || error.response?.status !== 401) throw deliveryError(error, 'chatbotMessageSend');
      this.token = null;
      try {
        response = await post(await this.accessToken());
      } catch (retryError) {
        throw deliveryError(retryError, 'chatbotMessageSend');
      }
    }
    checkGraphqlResult(response.data);
  }

  /** The cached token, or a fresh one when it is missing or about to expire. */
  async accessToken(): Promise<string> {
    const margin = this.options.refreshMarginMs ?? 60_000;
    if (this.token && this.clock.now() < this.token.expiresAt - margin) return this.token.value;
    this.refreshing ??= this.fetchToken().finally(() => {
      this.refreshing = null;
    });
    this.token = await this.refreshing;
    return this.token.value;
  }

  private async fetchToken(): Promise<CachedToken> {
    const form = new URLSearchParams({
      username: this.options.username,
      password: this.options.password,
      grant_type: 'password',
    });
    try {
      const { data } = await this.http.post<{ access_token?: unknown; expires_in?: unknown }>(
        `${this.authUrl}/oauth2/token`,
        form.toString(),
        { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
      );
      if (typeof data.access_token !== 'string' || data.access_token.length === 0) {
        throw new TransientDeliveryError('iAdvize token endpoint answered without access_token');
      }
      const lifetimeS = typeof data.expires_in === 'number' && data.expires_in > 0 ? data.expires_in : 86_400;
      return { value: data.access_token, expiresAt: this.clock.now() + lifetimeS * 1000 };
    } catch (error) {
      throw deliveryError(error, 'oauth2/token');
    }
  }
}

/** GraphQL answers 200 even when it refuses: errors and userErrors are checked here. */
export function checkGraphqlResult(data: unknown): void {
  const result = (data ?? {}) as {
    errors?: Array<{ message?: string }>;
    data?: { chatbotMessageSend?: { userErrors?: Array<{ __typename?: string }> | null } | null };
  };
  if (Array.isArray(result.errors) && result.errors.length > 0) {
    const messages = result.errors.map((e) => e.message ?? 'error').join('; ');
    throw new PermanentDeliveryError(`chatbotMessageSend refused: ${messages}`);
  }
  const send = result.data?.chatbotMessageSend;
  if (!send) throw new TransientDeliveryError('chatbotMessageSend answered without data');
  const userErrors = send.userErrors ?? [];
  if (userErrors.length > 0) {
    throw new PermanentDeliveryError(`chatbotMessageSend userErrors: ${userErrors.map((e) => e.__typename ?? '?').join(', ')}`);
  }
}

/** HTTP outcome → the core's delivery errors: 429 pauses, other 4xx are final, the rest retried. */
export function deliveryError(error: unknown, call: string): Error {
  if (error instanceof PermanentDeliveryError || error instanceof TransientDeliveryError || error instanceof RateLimitedError) {
    return error;
  }
  if (error instanceof AxiosError && error.response) {
    return deliveryErrorForStatus({
      status: error.response.status,
      what: `iAdvize ${call}`,
      retryAfterHeader: error.response.headers['retry-after'],
      nowMs: Date.now(),
      defaultRetryAfterMs: 5_000,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new TransientDeliveryError(`iAdvize ${call} failed: ${reason}`);
}

