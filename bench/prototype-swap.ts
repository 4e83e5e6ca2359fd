import { messageRequests } from './iadvize';
import { FULL_GC_KINDS, SCAVENGE, gcLog } from './lib/gc-log';
import { runLoad } from './lib/load';
import { runMain } from './lib/main';
import { GATEWAY_NODE_FLAGS, startBareExpress, startBenchServer, type ServerProcess } from './lib/processes';

// What express 5's per-request Object.setPrototypeOf costs on this machine: one JSON route served
// by node's http, by node's http with the two prototype swaps (bench/servers/node-http.ts), by
// the stock express baseline and by the same with prototypes from birth (bench/servers/
// bare-express.ts; the gateway's server, apps/gateway/src/http/express-server.ts),
// each under the round trip's load (50 connections, the same POST bodies), with the garbage
// collector's work in the run (a preload records every GC event). The promotion per scavenge is
// read as the old space's growth from one GC event to the next scavenge.
//
// usage: node --conditions=botgate-src --import tsx bench/prototype-swap.ts [seconds] [rounds]

const VARIANTS = ['node', 'node-swap', 'express', 'express-born'] as const;
type Variant = (typeof VARIANTS)[number];

/** The server of a variant: node's http (bench/servers/node-http.ts) or the express baseline. */
function startVariant(variant: Variant, nodeFlags: string[], env: Record<string, string>): Promise<ServerProcess> {
  if (variant === 'express' || variant === 'express-born') return startBareExpress(nodeFlags, { prototypesFromBirth: variant === 'express-born', env });
  return startBenchServer('bench/servers/node-http.ts', { readyPath: '/json', nodeFlags, env: { ...env, NODE_HTTP_PROTOTYPE_SWAP: variant === 'node-swap' ? '1' : '0' } });
}

async function measure(variant: Variant, seconds: number): Promise<string> {
  const gc = gcLog();
  // The gateway's GC flags, so the young generation is the size the gateway runs with.
  const server = await startVariant(variant, [...GATEWAY_NODE_FLAGS, ...gc.nodeFlags], gc.env);
  const load = messageRequests(`swap-${variant}`, () => '/json');
  let started = 0;
  let result;
  try {
    await runLoad(server.url, load, { connections: 50, durationSec: 2, maxRequests: 1_000_000 });
    started = Date.now();
    result = await runLoad(server.url, load, { connections: 50, durationSec: seconds, maxRequests: 2_000_000 });
  } finally {
    await server.stop();
  }
  const events = gc.eventsBetween(started, started + seconds * 1000);
  const scavenges = events.filter((e) => e.kind === SCAVENGE).length;
  const growth = events.slice(1).flatMap((e, i) => (e.kind === SCAVENGE ? [Math.max(0, e.oldMb - events[i].oldMb)] : []));
  const promotedMb = growth.length ? growth.reduce((a, b) => a + b, 0) / growth.length : 0;
  return (
    `${variant.padEnd(12)} ${Math.round(result.rps).toLocaleString('en-US').padStart(7)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms; ` +
    `scavenges ${scavenges}, full GCs ${events.filter((e) => FULL_GC_KINDS.has(e.kind)).length}, old space +${promotedMb.toFixed(2)} MB per scavenge`
  );
}

async function main(): Promise<void> {
  const [secondsArg, roundsArg] = process.argv.slice(2);
  const seconds = Number(secondsArg ?? 6);
  const rounds = Number(roundsArg ?? 1);
  for (let round = 1; round <= rounds; round++) {
    for (const variant of VARIANTS) process.stdout.write(`${await measure(variant, seconds)}\n`);
  }
}

runMain('prototype-swap', main);
