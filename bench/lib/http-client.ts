import { Agent, request } from 'node:http';

// A keep-alive JSON poster for the benchmark's own bounded loops (autocannon cannot keep one
// conversation's messages in order across its connections).

export function createPoster(maxSockets: number): { post(url: string, body: string, headers: Record<string, string>, method?: 'POST' | 'PUT'): Promise<number>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    post(url, body, headers, method = 'POST') {
      return new Promise((resolve, reject) => {
        const req = request(url, { method, agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: 10_000 }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('timeout', () => req.destroy(new Error('request timed out')));
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; stops at the deadline. */
export async function forEachLimited(count: number, concurrency: number, deadline: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count && Date.now() < deadline) await task(next++);
  });
  await Promise.all(lanes);
}
