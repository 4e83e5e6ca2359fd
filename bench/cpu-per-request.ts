import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { startRedisServer } from '@botgate/testkit';
import { startImiconnectInboundServer } from '../packages/testkit/src/imiconnect';
import { IADVIZE_GATEWAY_CONFIG, IADVIZE_QUERY, availabilityRequests, linkOperator, messageRequests } from './iadvize';
import { IMICONNECT_WEBHOOK_PATH, imiconnectGatewayConfig, webhookRequests } from './imiconnect';
import { runLoad, type LoadRequest } from './lib/load';
import { startBareExpress, startGateway, useCompiledGateway, type ServerProcess } from './lib/processes';
import { runMain } from './lib/main';

// Where the CPU of one request goes, by process: the load of a benchmark suite for a few seconds,
// then CPU seconds (from /proc) of the server, of Redis and of the load generator, divided by the
// answers. On a machine whose speed moves from one minute to the next, CPU per request is steadier
// than req/s, so it is the figure to compare before and after a change (run both a few times).
//
// usage: node --conditions=botgate-src --import tsx bench/cpu-per-request.ts <workload> [seconds] [--src] [-- node flags]
//   workload: iadvize-message | iadvize-availability | imiconnect-ack | bare-express
//   (the gateway is the compiled one: npm run build first, or --src for the sources under tsx)

const WORKLOADS = ['iadvize-message', 'iadvize-availability', 'imiconnect-ack', 'bare-express'] as const;
type Workload = (typeof WORKLOADS)[number];

function cpuSeconds(pid: number): number {
  // utime and stime, fields 14 and 15 of /proc/<pid>/stat (after the command name in parentheses).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function serverFor(workload: Workload, redisUrl: string, nodeFlags: string[]): Promise<{ server: ServerProcess; load: LoadRequest; stop(): Promise<void> }> {
  const run = randomUUID().slice(0, 8);
  if (workload === 'bare-express') {
    const server = await startBareExpress();
    return { server, load: messageRequests(run, () => '/json'), stop: () => server.stop() };
  }
  if (workload === 'imiconnect-ack') {
    const inbound = await startImiconnectInboundServer();
    const server = await startGateway(imiconnectGatewayConfig(inbound.url), { redisUrl, nodeFlags });
    return { server, load: webhookRequests(run, IMICONNECT_WEBHOOK_PATH), stop: async () => (await server.stop(), await inbound.close()) };
  }
  const server = await startGateway(IADVIZE_GATEWAY_CONFIG, { redisUrl, nodeFlags });
  await linkOperator(server.url);
  const load =
    workload === 'iadvize-message'
      ? messageRequests(run, (conversation) => `/iadvize/conversations/${conversation}/messages?${IADVIZE_QUERY}`)
      : availabilityRequests('/iadvize/availability-strategies');
  return { server, load, stop: () => server.stop() };
}

async function main(): Promise<void> {
  const [workload, secondsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const nodeFlags = process.argv.includes('--') ? process.argv.slice(process.argv.indexOf('--') + 1) : [];
  if (!WORKLOADS.includes(workload as Workload)) {
    process.stderr.write(`usage: cpu-per-request <${WORKLOADS.join(' | ')}> [seconds] [--src] [-- node flags]\n`);
    process.exit(2);
  }
  useCompiledGateway(!process.argv.includes('--src'));
  const redis = await startRedisServer();
  const { server, load, stop } = await serverFor(workload as Workload, redis.url, nodeFlags);
  try {
    const settings = { connections: 50, durationSec: 3, maxRequests: 1_000_000 };
    await runLoad(server.url, load, settings);
    const before = { server: cpuSeconds(server.pid), redis: cpuSeconds(redis.pid), self: process.cpuUsage() };
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rss())), 200);
    const result = await runLoad(server.url, load, { ...settings, durationSec: Number(secondsArg ?? 8) });
    clearInterval(sampler);
    const self = process.cpuUsage(before.self);
    const used = { server: cpuSeconds(server.pid) - before.server, redis: cpuSeconds(redis.pid) - before.redis, load: (self.user + self.system) / 1e6 };
    const perRequest = (seconds: number) => Math.round((seconds / Math.max(1, result.ok)) * 1e6);
    const perSecond = (seconds: number) => (seconds / result.durationSec).toFixed(2);
    process.stdout.write(
      `${workload}: ${Math.round(result.rps).toLocaleString('en-US')} req/s (p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}); ` +
        `CPU µs per request: server ${perRequest(used.server)}, redis ${perRequest(used.redis)}, load generator ${perRequest(used.load)}; ` +
        `cores busy: server ${perSecond(used.server)}, redis ${perSecond(used.redis)}, load generator ${perSecond(used.load)}; server peak RSS ${Math.round(peakRss / 2 ** 20)} MB\n`,
    );
  } finally {
    await stop();
    await redis.stop();
  }
}

runMain('cpu-per-request', main);
