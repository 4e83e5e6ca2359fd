import { startRedisServer } from '@botgate/testkit';
import { GC_KINDS, gcLog } from './lib/gc-log';
import { runLoad } from './lib/load';
import { runMain } from './lib/main';
import { useCompiledGateway } from './lib/processes';
import { startWorkload, workloadCommandArgs } from './lib/workloads';

// When the slow answers come: a workload's load for a few seconds, each answer's latency put in
// 250-ms bins by arrival, next to the server's GC events of the same bins (a preload records
// them). Answers over the limit spread evenly mean queueing; in bursts of about one per
// connection, a pause of the whole process (this is how the full-GC bursts behind the round
// trip's p99 were found).
//
// usage: node --conditions=botgate-src --import tsx bench/latency-timeline.ts <workload> [seconds] [limit ms] [--src] [-- node flags]
//   (the compiled gateway: npm run build first, or --src for the sources under tsx)

const BIN_MS = 250;

async function main(): Promise<void> {
  const { workload, positional: [secondsArg, limitArg], nodeFlags: extraFlags, compiled } = workloadCommandArgs('latency-timeline', '[seconds] [limit ms] [--src] [-- node flags]');
  const seconds = Number(secondsArg ?? 10);
  const limitMs = Number(limitArg ?? 25);
  useCompiledGateway(compiled);
  const gc = gcLog();
  // Through this process's env: every workload's server inherits it (the bare one included).
  Object.assign(process.env, gc.env);
  const redis = await startRedisServer();
  const { server, load, stop } = await startWorkload(workload, redis.url, { nodeFlags: [...gc.nodeFlags, ...extraFlags] });
  const settings = { connections: 50, durationSec: seconds, maxRequests: 2_000_000 };
  const answers: Array<[number, number]> = [];
  let started = 0;
  let result;
  try {
    await runLoad(server.url, load, { ...settings, durationSec: 3 });
    started = Date.now();
    result = await runLoad(server.url, load, settings, (latencyMs) => answers.push([Date.now(), latencyMs]));
  } finally {
    await stop();
    await redis.stop();
  }
  const gcs = gc.eventsBetween(started, started + seconds * 1000);
  const slow = answers.filter(([, latency]) => latency > limitMs).length;
  process.stdout.write(
    `${workload}: ${Math.round(result.rps).toLocaleString('en-US')} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms; ` +
      `${slow} of ${answers.length} answers over ${limitMs} ms\n`,
  );
  const totals = new Map<string, { count: number; ms: number }>();
  for (const event of gcs) {
    const name = GC_KINDS[event.kind] ?? `kind ${event.kind}`;
    const total = totals.get(name) ?? { count: 0, ms: 0 };
    totals.set(name, { count: total.count + 1, ms: total.ms + event.ms });
  }
  process.stdout.write(`server GC in the run: ${[...totals].map(([name, t]) => `${name} ${t.count}× ${Math.round(t.ms)} ms`).join(', ')}\n`);
  process.stdout.write(`bin (ms)  answers  mean  max  over ${limitMs} ms | server GC events over 3 ms (kind ms, old space MB after)\n`);
  for (let from = 0; from < seconds * 1000; from += BIN_MS) {
    const inBin = answers.filter(([at]) => at - started >= from && at - started < from + BIN_MS).map(([, latency]) => latency);
    if (inBin.length === 0) continue;
    const pauses = gcs
      .filter((e) => e.at - started >= from && e.at - started < from + BIN_MS && e.ms > 3)
      .map((e) => `${GC_KINDS[e.kind] ?? e.kind} ${e.ms.toFixed(1)} (${e.oldMb.toFixed(0)})`);
    const mean = inBin.reduce((a, b) => a + b, 0) / inBin.length;
    process.stdout.write(
      `${String(from).padStart(8)}  ${String(inBin.length).padStart(7)}  ${mean.toFixed(1).padStart(4)}  ${Math.max(...inBin).toFixed(0).padStart(3)}  ` +
        `${String(inBin.filter((l) => l > limitMs).length).padStart(4)} | ${pauses.join(', ')}\n`,
    );
  }
}

runMain('latency-timeline', main);
