import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startRedisServer } from '@botgate/testkit';
import { incomingMessage, startImiconnectInboundServer, type ReceivedPost } from '../packages/testkit/src/imiconnect';
import { createPoster } from './lib/http-client';
import { runLoad, warmUp, type LoadRequest, type LoadResult, type LoadSettings } from './lib/load';
import { REPO_ROOT, sampleRss, startBareExpress, startBareRelay, startGateway, type ServerProcess } from './lib/processes';
import { againstPrototypesFromBirth, describeLoad, fmt } from './lib/report';
import { mean, roundsFor, type Suite, type SuiteContext } from './lib/suite';

// IMIconnect: webhook ack throughput vs the bare express JSON route, then end-to-end messages
// delivered per second to the simulator's inbound URL (echo bot: one 1001 per message), with
// per-conversation order checked and nothing lost.

const TOKEN = 'vt-bench-imiconnect';
const INTEGRATION = 'acme-bench';
const ACK_CONVERSATIONS = 1000;

export function webhookRequests(prefix: string, path: string): LoadRequest {
  let i = 0;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
  return {
    method: 'POST',
    next() {
      const n = i++;
      const body = JSON.stringify(incomingMessage({ conversationId: `${prefix}-${n % ACK_CONVERSATIONS}`, userId: `u-${n % ACK_CONVERSATIONS}`, messageId: `${prefix}-m${n}`, message: `a-${n}` }));
      return { path, headers, body };
    },
  };
}

/** Per conversation: the echo texts must come back as e-0, e-1, … with no gap, repeat or swap. */
class OrderCheck {
  private readonly last = new Map<string, number>();
  delivered = 0;
  outOfOrder = 0;
  duplicates = 0;
  lastAt = 0;

  constructor(private readonly prefix: string) {}

  see(post: ReceivedPost): void {
    const conversation = String(post.body.conversation_id ?? '');
    if (!conversation.startsWith(this.prefix)) return;
    const match = /^echo e-(\d+)$/.exec(String(post.body.message ?? ''));
    if (!match) return;
    const seq = Number(match[1]);
    const previous = this.last.get(conversation) ?? -1;
    if (seq === previous) this.duplicates++;
    else if (seq !== previous + 1) this.outOfOrder++;
    if (seq > previous) this.last.set(conversation, seq);
    this.delivered++;
    this.lastAt = post.receivedAt;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

interface EndToEndResult {
  rate: number;
  delivered: number;
  outOfOrder: number;
  duplicates: number;
  refused: number;
  complete: boolean;
  sendSeconds: number;
  seconds: number;
  peakRss: number;
}

/**
 * Sends `conversations` × `perConversation` "Incoming message" events to `url + path` with 50
 * senders, each conversation's messages one after the other (the next after the ack), and counts
 * the 1001 posts the inbound simulator accepts until all arrived (or the deadline).
 */
async function runEndToEnd(p: {
  inbound: Awaited<ReturnType<typeof startImiconnectInboundServer>>;
  poster: ReturnType<typeof createPoster>;
  url: string;
  path: string;
  prefix: string;
  conversations: number;
  perConversation: number;
  deadlineMs: number;
  rssOf?: ServerProcess | undefined;
}): Promise<EndToEndResult> {
  const total = p.conversations * p.perConversation;
  const check = new OrderCheck(p.prefix);
  const off = p.inbound.onAccepted((post) => check.see(post));
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
  const started = Date.now();
  const deadline = started + p.deadlineMs;
  let refused = 0;
  const rss = p.rssOf ? sampleRss(p.rssOf) : undefined;
  // Conversation c is owned by sender c % 50: its messages go out in order, one at a time.
  await Promise.all(
    Array.from({ length: 50 }, async (_, sender) => {
      for (let seq = 0; seq < p.perConversation; seq++) {
        for (let c = sender; c < p.conversations; c += 50) {
          if (Date.now() > deadline) return;
          const body = JSON.stringify(incomingMessage({ conversationId: `${p.prefix}-${c}`, userId: `eu-${c}`, messageId: `${p.prefix}-${c}-${seq}`, message: `e-${seq}` }));
          const status = await p.poster.post(`${p.url}${p.path}`, body, headers).catch(() => 0);
          if (status !== 200) refused++;
        }
      }
    }),
  );
  const sentAt = Date.now();
  const complete = await waitFor(() => check.delivered >= total, Math.max(1000, deadline - Date.now()));
  const peakRss = rss?.stop() ?? 0;
  off();
  const seconds = ((complete ? check.lastAt : Date.now()) - started) / 1000;
  return {
    rate: check.delivered / seconds,
    delivered: check.delivered,
    outOfOrder: check.outOfOrder,
    duplicates: check.duplicates,
    refused,
    complete,
    sendSeconds: (sentAt - started) / 1000,
    seconds,
    peakRss,
  };
}

function describeEndToEnd(r: EndToEndResult, total: number): string {
  return (
    `sent ${total} in ${fmt(r.sendSeconds)} s (${fmt(total / r.sendSeconds)} acks/s, ${r.refused} refused); ` +
    `delivered ${r.delivered} in ${fmt(r.seconds)} s = ${fmt(r.rate)} msg/s; out of order ${r.outOfOrder}, duplicates ${r.duplicates}`
  );
}

/** The gateway as this suite runs it: the echo scenario behind one integration posting to `inboundUrl`. */
export function imiconnectGatewayConfig(inboundUrl: string): Record<string, unknown> {
  return {
    bots: [{ type: 'scenario', file: join(REPO_ROOT, 'bench/scenarios/echo.yaml') }],
    channels: {
      imiconnect: {
        integrations: [{ id: INTEGRATION, tenant: 'acme', asset: 'livechat-1', botId: 'echo', verificationToken: TOKEN, inboundUrl }],
      },
    },
  };
}

/** Where the suite posts its webhook events. */
export const IMICONNECT_WEBHOOK_PATH = `/imiconnect/${INTEGRATION}`;

export const imiconnectSuite: Suite = {
  name: 'imiconnect',
  description: 'IMIconnect webhook ack vs bare express; end-to-end delivered/s with order checked',
  async run(ctx: SuiteContext) {
    const { report } = ctx;
    const redis = await startRedisServer();
    const inbound = await startImiconnectInboundServer();
    // Every accepted reply, and how many repeated one already accepted (conversation + text: each
    // event of the suite's loads carries a text of its own, which the echo bot says back).
    let accepted = 0;
    let repeated = 0;
    const seen = new Set<string>();
    inbound.onAccepted((post) => {
      accepted++;
      const key = `${String(post.body.conversation_id)}|${String(post.body.message)}`;
      if (seen.has(key)) repeated++;
      else seen.add(key);
    });
    const bare = await startBareExpress();
    const bareBorn = await startBareExpress([], { prototypesFromBirth: true });
    const gateway = await startGateway(imiconnectGatewayConfig(inbound.url), { redisUrl: redis.url, nodeFlags: ctx.gatewayNodeFlags });
    let gatewayRunning = true;
    const poster = createPoster(50);
    try {
      const runId = randomUUID().slice(0, 8);
      const settings: LoadSettings = { connections: 50, durationSec: ctx.quick ? 4 : 10, maxRequests: ctx.quick ? 200_000 : 1_000_000 };
      report.log(
        `imiconnect ack load: autocannon ${settings.connections} connections, ${settings.durationSec} s per run, ${roundsFor(ctx)} round(s); ` +
          `"Incoming message" events over ${ACK_CONVERSATIONS} conversations, bearer token; gateway role all (the workers deliver the backlog meanwhile), echo scenario.`,
      );
      const webhook = IMICONNECT_WEBHOOK_PATH;
      let gwAcked = 0;
      const gwAck = webhookRequests(`ack-${runId}`, webhook);
      const bareAck = webhookRequests(`bare-${runId}`, '/json');
      await warmUp(bare.url, bareAck, settings, ctx.quick ? 2 : 3);
      await warmUp(bareBorn.url, bareAck, settings, ctx.quick ? 2 : 3);
      const warm = await runLoad(gateway.url, gwAck, { ...settings, durationSec: ctx.quick ? 2 : 3 });
      gwAcked += warm.ok;
      const results: Record<'bare' | 'gw' | 'born', LoadResult[]> = { bare: [], gw: [], born: [] };
      let peakRss = 0;
      for (let round = 1; round <= roundsFor(ctx); round++) {
        results.bare.push(await runLoad(bare.url, bareAck, settings));
        const rss = sampleRss(gateway);
        const r = await runLoad(gateway.url, gwAck, settings);
        peakRss = Math.max(peakRss, rss.stop());
        gwAcked += r.ok;
        results.gw.push(r);
        results.born.push(await runLoad(bareBorn.url, bareAck, settings));
        report.log(`round ${round}:`);
        report.log(describeLoad('bare express POST /json', results.bare.at(-1)!));
        report.log(describeLoad(`gateway POST ${webhook}`, r));
        report.log(describeLoad('bare express, prototypes from birth, POST /json', results.born.at(-1)!));
      }
      const ack = mean(results.gw.map((r) => r.rps));
      const ackBase = mean(results.bare.map((r) => r.rps));
      const ackFailures = results.gw.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
      report.add({
        suite: 'imiconnect',
        name: 'webhook ack',
        value: ack,
        unit: 'req/s',
        baseline: ackBase,
        ratio: ack / ackBase,
        p50Ms: Math.max(...results.gw.map((r) => r.p50)),
        p99Ms: Math.max(...results.gw.map((r) => r.p99)),
        target: '≥ 0.5x',
        pass: ack / ackBase >= 0.5 && ackFailures === 0,
        notes: `failed requests ${ackFailures}`,
      });
      report.add(againstPrototypesFromBirth('imiconnect', 'webhook ack', ack, mean(results.born.map((r) => r.rps))));

      // Every acknowledged event of the ack runs must come out once: the backlog drains first.
      const backlogStarted = Date.now();
      const drained = await waitFor(() => accepted >= gwAcked, ctx.quick ? 60_000 : 180_000);
      report.log(
        `  ack-run backlog: ${accepted} of ${gwAcked} acknowledged events delivered ${drained ? '' : '(TIMED OUT) '}` +
          `${fmt((Date.now() - backlogStarted) / 1000)} s after the last ack run; delivered twice ${repeated} ` +
          `(more delivered than acknowledged: events still in flight when a load run stopped, handled but not counted as acknowledged)`,
      );

      // End to end: our own loop so each conversation's messages are sent one after the other,
      // first through the bare relay (the floor: HTTP both ways and nothing else), then the gateway.
      const conversations = ctx.quick ? 200 : 500;
      const perConversation = ctx.quick ? 10 : 20;
      const total = conversations * perConversation;
      report.log(
        `imiconnect end to end: ${total} messages = ${conversations} conversations × ${perConversation}, 50 senders, ` +
          `each conversation's messages sent one after the other (next after the ack); delivered = 1001 posts accepted by the inbound simulator. ` +
          `Baseline: the same loop through a bare relay (express ack + axios keep-alive post per message, per-conversation order, no Redis: bench/servers/bare-relay.ts).`,
      );
      const endToEnd = (url: string, path: string, prefix: string, rssOf?: ServerProcess) =>
        runEndToEnd({ inbound, poster, url, path, prefix, conversations, perConversation, deadlineMs: ctx.quick ? 60_000 : 180_000, rssOf });
      const relay = await startBareRelay(inbound.url);
      let floor: EndToEndResult;
      try {
        // Warmed like the gateway (whose ack runs came first): a short pass, not counted.
        await runEndToEnd({ inbound, poster, url: relay.url, path: '/relay', prefix: `relay-warm-${runId}`, conversations: 100, perConversation: 10, deadlineMs: 30_000 });
        floor = await endToEnd(relay.url, '/relay', `relay-${runId}`);
      } finally {
        await relay.stop();
      }
      report.log(`  bare relay: ${describeEndToEnd(floor, total)}`);
      const e2e = await endToEnd(gateway.url, webhook, `e2e-${runId}`, gateway);
      peakRss = Math.max(peakRss, e2e.peakRss);
      report.log(`  gateway: ${describeEndToEnd(e2e, total)}`);
      const lost = total - e2e.delivered + e2e.duplicates;
      report.add({
        suite: 'imiconnect',
        name: 'end-to-end delivered',
        value: e2e.rate,
        unit: 'msg/s',
        baseline: floor.rate,
        ratio: e2e.rate / floor.rate,
        target: '≥ 3,000 msg/s, order kept, nothing lost',
        pass: e2e.rate >= 3000 && e2e.complete && e2e.outOfOrder === 0 && e2e.duplicates === 0 && e2e.refused === 0,
        notes: `baseline = the bare relay's rate in this run (${Math.round(floor.rate)} msg/s); missing ${Math.max(0, lost)}, out of order ${e2e.outOfOrder}, duplicates ${e2e.duplicates}`,
      });
      // The role all gateway goes first: its workers share this Redis and would take the role api
      // process's backlog (and CPU) from here on.
      await gateway.stop();
      gatewayRunning = false;
      // The same ack load on a gateway of role api (production's shape: HTTP intake and workers
      // scaled apart). First alone, as when the workers run on other hosts: what an intake process
      // costs by itself; a worker started afterwards must then deliver that whole backlog. Then
      // with that worker running beside it on this machine's cores (with the load generator and
      // Redis), as a single small host would run both.
      const gatewayConfig = {
        bots: [{ type: 'scenario', file: join(REPO_ROOT, 'bench/scenarios/echo.yaml') }],
        channels: {
          imiconnect: {
            integrations: [{ id: INTEGRATION, tenant: 'acme', asset: 'livechat-1', botId: 'echo', verificationToken: TOKEN, inboundUrl: inbound.url }],
          },
        },
      };
      const api = await startGateway(gatewayConfig, { redisUrl: redis.url, nodeFlags: ctx.gatewayNodeFlags, role: 'api' });
      let worker: ServerProcess | undefined;
      try {
        const apiAck = webhookRequests(`api-${runId}`, webhook);
        const deliveredBefore = accepted;
        let apiAcked = (await runLoad(api.url, apiAck, { ...settings, durationSec: ctx.quick ? 2 : 3 })).ok;
        /** Rounds alternating bare express and the role api gateway: the figure, and the events acknowledged. */
        const apiRounds = async (label: string, name: string, notes: string) => {
          const runs: LoadResult[] = [];
          const base: LoadResult[] = [];
          for (let round = 1; round <= roundsFor(ctx); round++) {
            base.push(await runLoad(bare.url, bareAck, settings));
            runs.push(await runLoad(api.url, apiAck, settings));
            report.log(`${label} round ${round}:`);
            report.log(describeLoad('bare express POST /json', base.at(-1)!));
            report.log(describeLoad(`gateway (${label}) POST ${webhook}`, runs.at(-1)!));
          }
          const rate = mean(runs.map((r) => r.rps));
          const baseRate = mean(base.map((r) => r.rps));
          const failures = runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
          const figure = {
            suite: 'imiconnect',
            name,
            value: rate,
            unit: 'req/s',
            baseline: baseRate,
            ratio: rate / baseRate,
            p50Ms: Math.max(...runs.map((r) => r.p50)),
            p99Ms: Math.max(...runs.map((r) => r.p99)),
            target: '≥ 0.5x',
            pass: rate / baseRate >= 0.5 && failures === 0,
            notes: `failed requests ${failures}; ${notes}`,
          };
          return { figure, acked: runs.reduce((n, r) => n + r.ok, 0) };
        };
        const alone = await apiRounds(
          'role api alone',
          'webhook ack, role api alone (workers on other hosts)',
          'no worker runs during the rounds; a role worker process started afterwards must deliver every acknowledged event',
        );
        apiAcked += alone.acked;
        worker = await startGateway(gatewayConfig, { redisUrl: redis.url, nodeFlags: ctx.gatewayNodeFlags, role: 'worker' });
        const backlogStarted = Date.now();
        const backlogDrained = await waitFor(() => accepted - deliveredBefore >= apiAcked, ctx.quick ? 60_000 : 180_000);
        report.log(
          `  role api alone backlog: ${accepted - deliveredBefore} of ${apiAcked} acknowledged events delivered ${backlogDrained ? '' : '(TIMED OUT) '}` +
            `${fmt((Date.now() - backlogStarted) / 1000)} s after a role worker process started; delivered twice so far ${repeated}`,
        );
        report.add({ ...alone.figure, pass: alone.figure.pass && backlogDrained });
        const beside = await apiRounds(
          'role api; role worker in another process',
          'webhook ack, role api (workers in another process)',
          'the worker process delivers the backlog meanwhile, on the same cores',
        );
        report.add(beside.figure);
      } finally {
        await api.stop();
        await worker?.stop();
      }
      report.add({
        suite: 'imiconnect',
        name: 'gateway RSS under load',
        value: peakRss / 2 ** 20,
        unit: 'MB',
        target: '≤ 250 MB',
        pass: peakRss / 2 ** 20 <= 250,
        notes: 'peak VmRSS of the gateway process during the ack and end-to-end runs',
      });
    } finally {
      poster.close();
      if (gatewayRunning) await gateway.stop();
      await bare.stop();
      await bareBorn.stop();
      await inbound.close();
      await redis.stop();
    }
  },
};
