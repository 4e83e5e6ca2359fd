import { createHmac } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { TransientDeliveryError, deliveryErrorForStatus } from '@botgate/core';
import type { ImiconnectOutboundPayload } from './schemas';

// One POST of a 1001/1002 to the integration's inbound URL. The response format of that URL is
// not documented (spec §1.6), so any 2xx is success and an id in its body is picked up when
// there is one (receipts may refer to it).

export interface ImiconnectClientOptions {
  inboundUrl: string;
  timeoutMs: number;
  serviceKey?: string;
  jwt?: { serviceId: string; secret: string; secretEncoding?: 'base64' | 'utf8' };
  headers?: Record<string, string>;
  /** Used when a 429 has no usable Retry-After. Default 30 000 ms. */
  defaultRetryAfterMs?: number;
  now?: () => number;
}

export interface ImiconnectPostResult {
  status: number;
  /** An id IMIconnect gave the message, if its response carried one. */
  vendorMessageId?: string;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** HS256 JWT with iss = service id and iat, as Webex Connect's v2 API expects. */
export function signImiconnectJwt(jwt: NonNullable<ImiconnectClientOptions['jwt']>, nowMs: number): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iss: jwt.serviceId, iat: Math.floor(nowMs / 1000) }));
  const key = (jwt.secretEncoding ?? 'base64') === 'base64' ? Buffer.from(jwt.secret, 'base64') : Buffer.from(jwt.secret, 'utf8');
  const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

const ID_KEYS = ['messageid', 'message_id', 'msgid', 'tid', 'transid', 'transactionid', 'id'];

/** Looks for an id at the top level of the response, or in response[0] (Messaging API style). */
export function findVendorMessageId(body: unknown): string | undefined {
  const candidates: unknown[] = [body];
  if (body && typeof body === 'object') {
    const response = (body as Record<string, unknown>).response;
    if (Array.isArray(response)) candidates.push(response[0]);
    else candidates.push(response);
  }
  for (const candidate of candidates) {
    if (!candidate || typeof candidate !== 'object') continue;
    for (const [key, value] of Object.entries(candidate as Record<string, unknown>)) {
      if (ID_KEYS.includes(key.toLowerCase()) && (typeof value === 'string' || typeof value === 'number') && String(value)) {
        return String(value);
      }
    }
  }
  return undefined;
}

export class ImiconnectClient {
  private readonly http: AxiosInstance;
  private readonly now: () => number;

  constructor(private readonly options: ImiconnectClientOptions) {
    this.now = options.now ?? Date.now;
    // Keep-alive: deliveries to one inbound URL come in bursts.
    this.http = axios.create({
      timeout: options.timeoutMs,
      httpAgent: new HttpAgent({ keepAlive: true }),
      httpsAgent: new HttpsAgent({ keepAlive: true }),
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(this.options.headers ?? {}) };
    if (this.options.serviceKey) headers.key = this.options.serviceKey;
    if (this.options.jwt) headers.authorization = `Bearer ${signImiconnectJwt(this.options.jwt, this.now())}`;
    return headers;
  }

  /**
   * Throws RateLimitedError on 429, PermanentDeliveryError on other 4xx (except 408) and 3xx,
   * TransientDeliveryError on 408, 5xx, timeouts and network errors.
   */
  async post(payload: ImiconnectOutboundPayload): Promise<ImiconnectPostResult> {
    let status: number;
    let data: unknown;
    let retryAfter: unknown;
    try {
      const response = await this.http.post(this.options.inboundUrl, payload, { headers: this.headers() });
      status = response.status;
      data = response.data;
      retryAfter = response.headers['retry-after'];
    } catch (error) {
      const code = error instanceof AxiosError ? (error.code ?? 'network') : 'network';
      throw new TransientDeliveryError(`IMIconnect inbound URL unreachable (${code})`);
    }
    if (status >= 200 && status < 300) {
      const vendorMessageId = findVendorMessageId(data);
      return vendorMessageId ? { status, vendorMessageId } : { status };
    }
    throw deliveryErrorForStatus({ status, what: 'IMIconnect inbound URL', retryAfterHeader: retryAfter, nowMs: this.now(), defaultRetryAfterMs: this.options.defaultRetryAfterMs });
  }

  /** Frees keep-alive sockets (tests, shutdown). */
  close(): void {
    const defaults = this.http.defaults;
    (defaults.httpAgent as HttpAgent | undefined)?.destroy();
    (defaults.httpsAgent as HttpsAgent | undefined)?.destroy();
  }
}
