import axios, { AxiosError, type AxiosInstance } from 'axios';
import { iadvizeSignature } from './protocol';

// Calls the connector's endpoints the way iAdvize does: signed raw body / raw query, fixed
// timeouts after which the answer is simply not used.

export interface CallResult<T = unknown> {
  status: number;
  body: T;
  /** The answer came too late: iAdvize ignores it. */
  timedOut: boolean;
  ms: number;
}

export interface IadvizeCallerOptions {
  /** The connector base URL as entered in the developer platform, e.g. http://localhost:3000/iadvize. */
  gatewayUrl: string;
  secret: string;
  /** Every endpoint but first messages. Default 10 000 ms. */
  timeoutMs?: number;
  /** First messages. Default 2 000 ms. */
  firstMessagesTimeoutMs?: number;
}

export class IadvizeCaller {
  private readonly http: AxiosInstance;
  private readonly base: string;

  constructor(private readonly options: IadvizeCallerOptions) {
    this.base = options.gatewayUrl.replace(/\/+$/, '');
    // No JSON round trip of our own: the bytes sent are the bytes signed.
    this.http = axios.create({ validateStatus: () => true, transformResponse: (data: unknown) => parseJson(data) });
  }

  get<T>(path: string, query: string, firstMessages = false): Promise<CallResult<T>> {
    const timeout = firstMessages ? (this.options.firstMessagesTimeoutMs ?? 2000) : (this.options.timeoutMs ?? 10_000);
    const url = `${this.base}${path}${query ? `?${query}` : ''}`;
    return this.call<T>(() =>
      this.http.get(url, { timeout, headers: { 'x-iadvize-signature': iadvizeSignature(this.options.secret, query) } }),
    );
  }

  send<T>(method: 'post' | 'put', path: string, query: string, body: unknown): Promise<CallResult<T>> {
    const raw = JSON.stringify(body);
    const url = `${this.base}${path}${query ? `?${query}` : ''}`;
    return this.call<T>(() =>
      this.http.request({
        method,
        url,
        data: raw,
        timeout: this.options.timeoutMs ?? 10_000,
        transformRequest: [(data: unknown) => data],
        headers: { 'content-type': 'application/json', 'x-iadvize-signature': iadvizeSignature(this.options.secret, raw) },
      }),
    );
  }

  private async call<T>(run: () => Promise<{ status: number; data: unknown }>): Promise<CallResult<T>> {
    const started = Date.now();
    try {
      const res = await run();
      return { status: res.status, body: res.data as T, timedOut: false, ms: Date.now() - started };
    } catch (error) {
      if (error instanceof AxiosError && (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT')) {
        return { status: 0, body: undefined as T, timedOut: true, ms: Date.now() - started };
      }
      throw error;
    }
  }
}

function parseJson(data: unknown): unknown {
  if (typeof data !== 'string' || data.length === 0) return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
