import autocannon from 'autocannon';

// One autocannon run, bounded in time (duration) and in count (maxOverallRequests), with a guard
// timer in case the target stops answering. Throughput counts 2xx answers only.

export interface LoadSettings {
  connections: number;
  durationSec: number;
  /** Hard cap on requests in the run. */
  maxRequests: number;
}

export interface LoadRequest {
  method: 'GET' | 'POST';
  /** Called for every request: path, headers and body of that request. */
  next(): { path: string; headers?: Record<string, string>; body?: string };
}

export interface LoadResult {
  /** 2xx answers per second. */
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSec: number;
}

/** `onResponse`: each answer's latency as autocannon measured it, when it arrives. */
export async function runLoad(baseUrl: string, request: LoadRequest, settings: LoadSettings, onResponse?: (latencyMs: number) => void): Promise<LoadResult> {
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({
    url: baseUrl,
    connections: settings.connections,
    duration: settings.durationSec,
    maxOverallRequests: settings.maxRequests,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: request.method,
        setupRequest: (req) => {
          const next = request.next();
          return { ...req, method: request.method, path: next.path, headers: { ...next.headers }, ...(next.body !== undefined ? { body: next.body } : {}) };
        },
      },
    ],
    }, (error, result) => (error ? reject(error) : resolve(result)));
  });
  if (onResponse) instance?.on('response', (_client, _status, _bytes, latencyMs: number) => onResponse(latencyMs));
  const guard = setTimeout(() => instance?.stop(), (settings.durationSec + 15) * 1000);
  const result = await done;
  clearTimeout(guard);
  const ok = result['2xx'];
  return {
    rps: ok / Math.max(0.001, result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSec: result.duration,
  };
}

/** A short run first so both servers are measured with a warm JIT and warm connections. */
export async function warmUp(baseUrl: string, request: LoadRequest, settings: LoadSettings, seconds: number): Promise<void> {
  await runLoad(baseUrl, request, { ...settings, durationSec: seconds, maxRequests: settings.maxRequests });
}
