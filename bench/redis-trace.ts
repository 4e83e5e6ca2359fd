import Redis from 'ioredis';
import { startRedisServer } from '@botgate/testkit';
import { startImiconnectInboundServer } from '../packages/testkit/src/imiconnect';
import { IADVIZE_GATEWAY_CONFIG, IADVIZE_QUERY, linkOperator, messageRequests } from './iadvize';
import { IMICONNECT_WEBHOOK_PATH, imiconnectGatewayConfig, webhookRequests } from './imiconnect';
import type { LoadRequest } from './lib/load';
import { startGateway, useCompiledGateway } from './lib/processes';
import { runMain } from './lib/main';

// Every Redis command one event costs, as Redis saw it (MONITOR): an iAdvize visitor message on
// an existing conversation (synchronous answer) and an IMIconnect incoming message (acknowledged,
// then its turn and its 1001 delivery). Round trips are the gateway's largest per-event cost after
// HTTP itself; this is how they were counted (7 → 3 for the iAdvize message, see BENCHMARKS.md).
// usage: node --conditions=botgate-src --import tsx bench/redis-trace.ts [--src]

async function send(baseUrl: string, requests: LoadRequest): Promise<number> {
  const next = requests.next();
  const res = await fetch(`${baseUrl}${next.path}`, { method: requests.method, body: next.body, headers: next.headers, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return res.status;
}

/** Lets the gateway finish what the event started (turn, delivery, pops) before reading the trace. */
async function settle(redis: Redis): Promise<void> {
  for (let quiet = 0; quiet < 5; ) {
    const before = Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1]);
    // Our own INFO is one command: anything more is the gateway (or BullMQ's polling).
    quiet = after - before <= 1 ? quiet + 1 : 0;
  }
}

async function main(): Promise<void> {
  useCompiledGateway(!process.argv.includes('--src'));
  const redis = await startRedisServer();
  const inbound = await startImiconnectInboundServer();
  const imiconnect = imiconnectGatewayConfig(inbound.url) as { bots: unknown[]; channels: object };
  const gateway = await startGateway(
    { bots: [...IADVIZE_GATEWAY_CONFIG.bots, ...imiconnect.bots], channels: { ...IADVIZE_GATEWAY_CONFIG.channels, ...imiconnect.channels } },
    { redisUrl: redis.url },
  );
  const admin = new Redis(redis.url);
  const monitor = await new Redis(redis.url).monitor();
  const lines: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    const [command = '', ...rest] = args;
    // Top-level calls only (script bodies show their own commands right after, indented).
    const shown = rest.map((a) => (a.length > 48 ? `${a.slice(0, 45)}…(${a.length})` : a)).join(' ');
    lines.push(/^(eval|evalsha|fcall)$/i.test(command) ? `${command} ${shown}` : `    ${command} ${shown}`);
  });
  try {
    await linkOperator(gateway.url);
    const iadvize = messageRequests('trace', (conversation) => `/iadvize/conversations/${conversation}/messages?${IADVIZE_QUERY}`);
    const imi = webhookRequests('trace', IMICONNECT_WEBHOOK_PATH);
    // The first message of a conversation opens it; the second is the steady state traced.
    for (const [name, requests, skip] of [['iAdvize visitor message', iadvize, 1000], ['IMIconnect incoming message', imi, 1000]] as const) {
      await send(gateway.url, requests);
      for (let i = 1; i < skip; i++) requests.next();
      await settle(admin);
      lines.length = 0;
      const status = await send(gateway.url, requests);
      await settle(admin);
      const calls = lines.filter((line) => !line.startsWith(' ') && !/(info|monitor)/i.test(line));
      process.stdout.write(`== ${name} on an existing conversation: HTTP ${status}, ${calls.length} top-level Redis calls\n${lines.filter((l) => !/^ *info /i.test(l)).join('\n')}\n`);
    }
  } finally {
    monitor.disconnect();
    admin.disconnect();
    await gateway.stop();
    await inbound.close();
    await redis.stop();
  }
}

runMain('redis-trace', main);
