import { startRedisServer } from '@botgate/testkit';
import { runLoad } from './lib/load';
import { useCompiledGateway } from './lib/processes';
import { runMain } from './lib/main';
import { cpuSeconds, startWorkload, workloadCommandArgs } from './lib/workloads';

// Where the CPU of one request goes, by process: the load of a benchmark suite for a few seconds,
// then CPU seconds (from /proc) of the server, of Redis and of the load generator, divided by the
// answers. On a machine whose speed moves from one minute to the next, CPU per request is steadier
// than req/s, so it is the figure to compare before and after a change (run both a few times, or
// use bench/paired.ts, which runs both variants side by side under the same load).
//
// usage: node --conditions=botgate-src --import tsx bench/cpu-per-request.ts <workload> [seconds] [--src] [-- node flags]
//   workload: iadvize-message | iadvize-availability | imiconnect-ack | imiconnect-ack-api | bare-express
//   (the gateway is the compiled one: npm run build first, or --src for the sources under tsx)

async function main(): Promise<void> {
  const { workload, positional: [secondsArg], nodeFlags, compiled } = workloadCommandArgs('cpu-per-request', '[seconds] [--src] [-- node flags]');
  useCompiledGateway(compiled);
  const redis = await startRedisServer();
  const { server, load, settled, stop } = await startWorkload(workload, redis.url, { nodeFlags });
  try {
    const settings = { connections: 50, durationSec: 3, maxRequests: 1_000_000 };
    await settled((await runLoad(server.url, load, settings)).ok);
    const before = { server: cpuSeconds(server.pid), redis: cpuSeconds(redis.pid), self: process.cpuUsage() };
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rss())), 200);
    const result = await runLoad(server.url, load, { ...settings, durationSec: Number(secondsArg ?? 8) });
    // A webhook's turns run after its acks: their CPU counts once they are done.
    if (!(await settled(result.ok))) process.stderr.write('the work behind the answers did not settle in time\n');
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
