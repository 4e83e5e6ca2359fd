import { startRedisServer } from '@botgate/testkit';
import Redis from 'ioredis';
import { runLoad } from './lib/load';
import { useCompiledGateway } from './lib/processes';
import { runMain } from './lib/main';
import { startWorkload, workloadCommandArgs } from './lib/workloads';

// Redis commands per answer under load (INFO commandstats over a few seconds of a benchmark
// suite's load, the work behind the answers settled): what bench/redis-trace.ts shows for one
// event, here with the drain jobs, lane handovers and retries that only load brings (BullMQ's
// own scripts show up as EVALSHA and its events as XADD).
//
// usage: node --conditions=botgate-src --import tsx bench/redis-load-stats.ts <workload> [seconds] [--src]

async function main(): Promise<number> {
  const { workload, positional: [secondsArg], compiled } = workloadCommandArgs('redis-load-stats', '[seconds] [--src]');
  useCompiledGateway(compiled);
  const redis = await startRedisServer();
  const side = await startWorkload(workload, redis.url);
  const client = new Redis(redis.url);
  try {
    const settings = { connections: 50, durationSec: 3, maxRequests: 1_000_000 };
    await side.settled((await runLoad(side.server.url, side.load, settings)).ok);
    await client.config('RESETSTAT');
    const result = await runLoad(side.server.url, side.load, { ...settings, durationSec: Number(secondsArg ?? 5) });
    await side.settled(result.ok);
    const rows = (await client.info('commandstats'))
      .split('\n')
      .filter((line) => line.startsWith('cmdstat_'))
      .map((line) => {
        const calls = Number(/calls=(\d+)/.exec(line)?.[1] ?? 0);
        const usec = Number(/usec=(\d+)/.exec(line)?.[1] ?? 0);
        return { name: line.slice('cmdstat_'.length, line.indexOf(':')), calls: calls / result.ok, usec: usec / result.ok };
      })
      .sort((a, b) => b.usec - a.usec);
    process.stdout.write(`${workload}: ${result.ok} answers; Redis commands per answer (calls, µs inside Redis):\n`);
    for (const row of rows) process.stdout.write(`  ${row.name.padEnd(20)} ${row.calls.toFixed(2).padStart(6)} calls  ${row.usec.toFixed(1).padStart(7)} µs\n`);
    return 0;
  } finally {
    client.disconnect();
    await side.stop();
    await redis.stop();
  }
}

runMain('redis-load-stats', main);
