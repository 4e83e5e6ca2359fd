import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startRedisServer } from '@botgate/testkit';
import { iadvizeSignature } from '../packages/testkit/src/iadvize';
import { runLoad, warmUp, type LoadRequest, type LoadResult, type LoadSettings } from './lib/load';
import { REPO_ROOT, sampleRss, startBareExpress, startGateway } from './lib/processes';
import { againstPrototypesFromBirth, describeLoad } from './lib/report';
import { mean, roundsFor, type Suite, type SuiteContext } from './lib/suite';

// iAdvize: POST /conversations/:id/messages (signature + validation + Redis + scenario bot +
// replies in the synchronous answer) and GET /availability-strategies, each against the bare
// express JSON route, same autocannon settings, same run.

const SECRET = 'bench-iadvize-secret-0123456789';
const OPERATOR = 'op-bench';
const WEBSITE = 'w-bench';
const CONVERSATIONS = 1000;

function signedPost(path: string, body: string): { path: string; headers: Record<string, string>; body: string } {
  return { path, body, headers: { 'content-type': 'application/json', 'x-iadvize-signature': iadvizeSignature(SECRET, body) } };
}

/** Visitor texts the demo scenario answers from its menu step (the conversation stays there). */
const TEXTS = ['hi', 'menu', 'hello'];

export function messageRequests(runId: string, pathOf: (conversation: string) => string): LoadRequest {
  let i = 0;
  return {
    method: 'POST',
    next() {
      const n = i++;
      const conversation = `conv-${runId}-${n % CONVERSATIONS}`;
      const body = JSON.stringify({
        idOperator: OPERATOR,
        message: {
          idMessage: `msg-${runId}-${n}`,
          author: { role: 'visitor' },
          payload: { contentType: 'text', value: TEXTS[n % TEXTS.length] },
          createdAt: new Date().toISOString(),
        },
      });
      return signedPost(pathOf(conversation), body);
    },
  };
}

export function availabilityRequests(path: string): LoadRequest {
  const query = new URLSearchParams({ idConnectorVersion: 'v-bench', idWebsite: WEBSITE, idOperator: OPERATOR }).toString();
  const headers = { 'x-iadvize-signature': iadvizeSignature(SECRET, query) };
  return { method: 'GET', next: () => ({ path: `${path}?${query}`, headers }) };
}

async function checkedFetch(url: string, init: RequestInit): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as unknown;
  if (res.status !== 200) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** The gateway as this suite runs it: the demo scenario behind a signed iAdvize connector. */
export const IADVIZE_GATEWAY_CONFIG = {
  bots: [{ type: 'scenario', file: join(REPO_ROOT, 'scenarios/demo.yaml') }],
  channels: { iadvize: { enabled: true, secret: SECRET } },
};

/** The query every iAdvize call of the suite carries. */
export const IADVIZE_QUERY = `idWebsite=${WEBSITE}`;

/** What an iAdvize admin does once: link the operator to the demo scenario (PUT /bots). */
export async function linkOperator(gatewayUrl: string): Promise<void> {
  const put = JSON.stringify({ name: 'Bench', pseudo: 'Bench', language: 'en', distributionRules: [], external: { idBot: 'demo' } });
  await checkedFetch(`${gatewayUrl}/iadvize/bots/${OPERATOR}?${IADVIZE_QUERY}`, {
    method: 'PUT',
    body: put,
    headers: { 'content-type': 'application/json', 'x-iadvize-signature': iadvizeSignature(SECRET, put) },
  });
}

export const iadvizeSuite: Suite = {
  name: 'iadvize',
  description: 'iAdvize POST …/messages round trip and GET /availability-strategies vs bare express',
  async run(ctx: SuiteContext) {
    const { report } = ctx;
    const redis = await startRedisServer();
    const bare = await startBareExpress();
    const bareBorn = await startBareExpress([], { prototypesFromBirth: true });
    const gateway = await startGateway(IADVIZE_GATEWAY_CONFIG, { redisUrl: redis.url, nodeFlags: ctx.gatewayNodeFlags });
    try {
      await linkOperator(gateway.url);
      const query = IADVIZE_QUERY;
      // One real round trip: the answer must carry the bot's replies, not [] (deferred).
      const probe = signedPost('', JSON.stringify({ idOperator: OPERATOR, message: { idMessage: `probe-${randomUUID()}`, author: { role: 'visitor' }, payload: { contentType: 'text', value: 'hi' } } }));
      const answer = (await checkedFetch(`${gateway.url}/iadvize/conversations/probe-${randomUUID()}/messages?${query}`, {
        method: 'POST',
        body: probe.body,
        headers: probe.headers,
      })) as { replies?: unknown[] };
      if (!answer.replies?.length) throw new Error(`the probe round trip carried no replies: ${JSON.stringify(answer)}`);

      const settings: LoadSettings = { connections: 50, durationSec: ctx.quick ? 4 : 10, maxRequests: ctx.quick ? 200_000 : 1_000_000 };
      report.log(
        `iadvize load: autocannon ${settings.connections} connections, pipelining 1, ${settings.durationSec} s per run, ${roundsFor(ctx)} round(s) alternating baseline/gateway; ` +
          `POST: ${CONVERSATIONS} conversations visited round-robin (each message a new idMessage, texts ${TEXTS.join('/')} → demo scenario menu replies), ` +
          `signed bodies; GET: one operator, signed query. Gateway: botgate start, role all, Redis (testkit redis-server), log level info to /dev/null. ` +
          `Each round ends with the reference: the bare express routes served like the gateway (prototypes from birth).`,
      );
      const runId = randomUUID().slice(0, 8);
      const gwPost = messageRequests(`${runId}-g`, (c) => `/iadvize/conversations/${c}/messages?${query}`);
      const barePost = messageRequests(`${runId}-b`, () => '/json');
      const gwGet = availabilityRequests('/iadvize/availability-strategies');
      const bareGet = availabilityRequests('/json');
      const warm = ctx.quick ? 2 : 3;
      await warmUp(bare.url, barePost, settings, warm);
      await warmUp(bareBorn.url, barePost, settings, warm);
      await warmUp(gateway.url, gwPost, settings, warm);
      await warmUp(gateway.url, gwGet, settings, warm);

      const results: Record<'barePost' | 'gwPost' | 'bareGet' | 'gwGet' | 'bornPost' | 'bornGet', LoadResult[]> = { barePost: [], gwPost: [], bareGet: [], gwGet: [], bornPost: [], bornGet: [] };
      let peakRss = 0;
      for (let round = 1; round <= roundsFor(ctx); round++) {
        results.barePost.push(await runLoad(bare.url, barePost, settings));
        const rss = sampleRss(gateway);
        results.gwPost.push(await runLoad(gateway.url, gwPost, settings));
        results.bareGet.push(await runLoad(bare.url, bareGet, settings));
        results.gwGet.push(await runLoad(gateway.url, gwGet, settings));
        peakRss = Math.max(peakRss, rss.stop());
        results.bornPost.push(await runLoad(bareBorn.url, barePost, settings));
        results.bornGet.push(await runLoad(bareBorn.url, bareGet, settings));
        report.log(`round ${round}:`);
        report.log(describeLoad('bare express POST /json', results.barePost.at(-1)!));
        report.log(describeLoad('gateway POST /iadvize/conversations/:id/messages', results.gwPost.at(-1)!));
        report.log(describeLoad('bare express GET /json', results.bareGet.at(-1)!));
        report.log(describeLoad('gateway GET /iadvize/availability-strategies', results.gwGet.at(-1)!));
        report.log(describeLoad('bare express, prototypes from birth, POST /json', results.bornPost.at(-1)!));
        report.log(describeLoad('bare express, prototypes from birth, GET /json', results.bornGet.at(-1)!));
      }
      const roundTrip = mean(results.gwPost.map((r) => r.rps));
      const roundTripBase = mean(results.barePost.map((r) => r.rps));
      const p99 = Math.max(...results.gwPost.map((r) => r.p99));
      const p50 = Math.max(...results.gwPost.map((r) => r.p50));
      const failures = results.gwPost.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
      report.add({
        suite: 'iadvize',
        name: 'message round trip',
        value: roundTrip,
        unit: 'req/s',
        baseline: roundTripBase,
        ratio: roundTrip / roundTripBase,
        p50Ms: p50,
        p99Ms: p99,
        target: '≥ 0.5x with p99 ≤ 25 ms at 50 connections',
        pass: roundTrip / roundTripBase >= 0.5 && p99 <= 25 && failures === 0,
        notes: `failed requests ${failures}; p50/p99 are the worst round's`,
      });
      const avail = mean(results.gwGet.map((r) => r.rps));
      const availBase = mean(results.bareGet.map((r) => r.rps));
      report.add({
        suite: 'iadvize',
        name: 'availability-strategies',
        value: avail,
        unit: 'req/s',
        baseline: availBase,
        ratio: avail / availBase,
        p50Ms: Math.max(...results.gwGet.map((r) => r.p50)),
        p99Ms: Math.max(...results.gwGet.map((r) => r.p99)),
        target: '≥ 0.8x',
        pass: avail / availBase >= 0.8,
      });
      report.add(againstPrototypesFromBirth('iadvize', 'message round trip', roundTrip, mean(results.bornPost.map((r) => r.rps))));
      report.add(againstPrototypesFromBirth('iadvize', 'availability-strategies', avail, mean(results.bornGet.map((r) => r.rps))));
      report.add({
        suite: 'iadvize',
        name: 'gateway RSS under load',
        value: peakRss / 2 ** 20,
        unit: 'MB',
        target: '≤ 250 MB',
        pass: peakRss / 2 ** 20 <= 250,
        notes: 'peak VmRSS of the gateway process sampled every 200 ms during the gateway runs',
      });
    } finally {
      await gateway.stop();
      await bare.stop();
      await bareBorn.stop();
      await redis.stop();
    }
  },
};
