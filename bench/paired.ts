import { startRedisServer } from '@botgate/testkit';
import { runLoad } from './lib/load';
import { nodeFlagsOf, useCompiledGateway } from './lib/processes';
import { runMain } from './lib/main';
import { WORKLOADS, cpuSeconds, isWorkload, startWorkload, type WorkloadServer } from './lib/workloads';

// A/B of one switch, side by side: two servers of the same workload (each with its own Redis),
// A and B differing only in environment variables, loaded at the same time for a few rounds.
// Both see the same machine in the same second, so the ratio of their CPU per answer holds still
// on a machine whose own speed moves by 2x from one minute to the next (where two runs one after
// the other disagree by more than most changes are worth).
//
// usage: node --conditions=botgate-src --import tsx bench/paired.ts <workload> [seconds] [rounds] [--src] [--a K=V[,K=V]] [--b K=V[,K=V]] [--a-root DIR] [--b-root DIR] [--a-flags="…"] [--b-flags="…"]
//   e.g. bench/paired.ts iadvize-message 5 5 --a BOTGATE_X=0 --b BOTGATE_X=1
//   --a-root, --b-root: that side runs the gateway built in another checkout (git worktree add DIR <commit>;
//   npm install and npm run build there): before/after a commit, in the same minutes.
//   --a-flags, --b-flags: node/V8 flags for that side's gateway, after its own (the last of a V8 flag
//   wins), e.g. --a-flags="--max-semi-space-size=8": a GC setting against the default.

function envArg(flag: string): Record<string, string> {
  const index = process.argv.indexOf(flag);
  const spec = index >= 0 ? (process.argv[index + 1] ?? '') : '';
  const env: Record<string, string> = {};
  for (const pair of spec.split(',').filter((p) => p.includes('='))) {
    const [key, ...value] = pair.split('=');
    env[key as string] = value.join('=');
  }
  return env;
}

/** `--a-flags=…` / `--b-flags=…` (the = form: the value starts with a dash), split on spaces. */
function flagsArg(name: string): string[] {
  return nodeFlagsOf(process.argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<number> {
  const valued = new Set(['--a', '--b', '--a-root', '--b-root']);
  const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !valued.has(all[i - 1] as string));
  const [workload, secondsArg, roundsArg] = positional;
  if (!isWorkload(workload)) {
    process.stderr.write(`usage: paired <${WORKLOADS.join(' | ')}> [seconds] [rounds] [--src] --a K=V[,K=V] --b K=V[,K=V]\n`);
    return 2;
  }
  useCompiledGateway(!process.argv.includes('--src'));
  const seconds = Number(secondsArg ?? 5);
  const rounds = Number(roundsArg ?? 5);
  const sides = { a: envArg('--a'), b: envArg('--b') };
  const redises = [await startRedisServer(), await startRedisServer()];
  const servers: WorkloadServer[] = [];
  try {
    const rootOf = (flag: string) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : undefined);
    const [aRoot, bRoot] = [rootOf('--a-root'), rootOf('--b-root')];
    const [aFlags, bFlags] = [flagsArg('--a-flags'), flagsArg('--b-flags')];
    servers.push(await startWorkload(workload, redises[0]!.url, { env: sides.a, nodeFlags: aFlags, ...(aRoot ? { root: aRoot } : {}) }));
    servers.push(await startWorkload(workload, redises[1]!.url, { env: sides.b, nodeFlags: bFlags, ...(bRoot ? { root: bRoot } : {}) }));
    const settings = { connections: 50, durationSec: 3, maxRequests: 1_000_000 };
    await Promise.all(servers.map(async (s) => s.settled((await runLoad(s.server.url, s.load, settings)).ok)));
    const ratios: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      // Alternate which side starts first, so neither always gets the first connections.
      const order = round % 2 ? [0, 1] : [1, 0];
      const before = servers.map((s, i) => ({ server: cpuSeconds(s.server.pid), redis: cpuSeconds(redises[i]!.pid) }));
      const results = new Array(2);
      // Each side's CPU is read once its own work is settled (a webhook's turns run after the acks).
      const after: Array<{ server: number; redis: number }> = new Array(2);
      await Promise.all(
        order.map(async (i) => {
          const side = servers[i]!;
          results[i] = await runLoad(side.server.url, side.load, { ...settings, durationSec: seconds });
          if (!(await side.settled(results[i].ok as number))) process.stderr.write(`side ${i ? 'B' : 'A'}: work behind the answers not settled in time\n`);
          after[i] = { server: cpuSeconds(side.server.pid), redis: cpuSeconds(redises[i]!.pid) };
        }),
      );
      const perAnswer = servers.map((_, i) => {
        const ok = Math.max(1, results[i].ok as number);
        return {
          server: ((after[i]!.server - before[i]!.server) / ok) * 1e6,
          redis: ((after[i]!.redis - before[i]!.redis) / ok) * 1e6,
          rps: results[i].rps as number,
          non2xx: results[i].non2xx as number,
        };
      });
      const [a, b] = perAnswer as [(typeof perAnswer)[0], (typeof perAnswer)[0]];
      ratios.push(b.server / a.server);
      process.stdout.write(
        `round ${round}: A server ${Math.round(a.server)} µs, redis ${Math.round(a.redis)} µs, ${Math.round(a.rps)} req/s, non-2xx ${a.non2xx} | ` +
          `B server ${Math.round(b.server)} µs, redis ${Math.round(b.redis)} µs, ${Math.round(b.rps)} req/s, non-2xx ${b.non2xx} | B/A server ${(b.server / a.server).toFixed(3)}\n`,
      );
    }
    const name = (root: string | undefined, env: Record<string, string>, flags: string[]) =>
      `${root ? `${root} ` : ''}${JSON.stringify(env)}${flags.length ? ` ${flags.join(' ')}` : ''}`;
    process.stdout.write(
      `${workload}: B/A gateway CPU per answer, median of ${rounds} rounds: ${median(ratios).toFixed(3)} (A ${name(aRoot, sides.a, aFlags)}, B ${name(bRoot, sides.b, bFlags)})\n`,
    );
    return 0;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(redises.map((r) => r.stop()));
  }
}

runMain('paired', main);
