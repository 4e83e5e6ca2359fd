import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, startRedisServer, type RedisServerHandle } from '../../packages/testkit/src/redis-server';
import { incomingMessage, type ImiconnectInboundServer } from '../../packages/testkit/src/imiconnect';
import { iadvizeSignature } from '../../packages/testkit/src/iadvize';
import { EchoBot } from './harness/echo-bot';
import { IMI_INTEGRATION, reliabilityConfig } from './harness/gateway-config';
import { GatewayProcess, writeConfig } from './harness/gateway-process';
import { ApiLoad, ImiLoad, formatStatuses } from './harness/load';
import { formatTally, report, sumTallies, tally, stopAndScanForSecrets } from './harness/report';
import { SECRETS } from './harness/secrets';
import { waitUntil } from './harness/wait';
import { startBackends, stopBackends } from './harness/backends';

// Issue 7: Redis restarted under load, AOF on. Redis is SIGKILLed (a crash, not a clean
// shutdown) while IMIconnect and API-channel traffic flows through an api and a worker process,
// kept away for 2 s, then started again on the same port and data directory. While it is away,
// routes that need it must answer 503 JSON (never another 5xx, never a crash); afterwards every
// message the gateway acknowledged must be delivered.

const SCENARIO = 'redis-restart';
const PREFIX = 'rel-restart';
const OUTAGE_MS = 2000;

interface Probe {
  name: string;
  request: () => Promise<Response>;
}

describe('Redis restarted under load (AOF)', () => {
  let redis: RedisServerHandle;
  let redisPort: number;
  let redisDir: string;
  let bot: EchoBot;
  let inbound: ImiconnectInboundServer;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    redisPort = await freePort();
    redisDir = mkdtempSync(join(tmpdir(), 'botgate-rel-aof-'));
    ({ redis, bot, inbound } = await startBackends({ redis: { appendOnly: true, port: redisPort, dir: redisDir } }));
  });

  afterAll(async () => {
    await stopBackends({ redis, bot, inbound });
    rmSync(redisDir, { recursive: true, force: true });
  });

  it('answers 503 while Redis is away, reconnects, and delivers every acknowledged message', async () => {
    const file = writeConfig(
      reliabilityConfig({ redisUrl: redis.url, botUrl: bot.url, imiInboundUrl: inbound.url, prefix: PREFIX, redis: { lockDurationMs: 2000, stalledIntervalMs: 1000, leaseMs: 2000 } }),
    );
    const [api, worker] = await Promise.all([GatewayProcess.start(SCENARIO, file, 'api'), GatewayProcess.start(SCENARIO, file, 'worker')]);
    gateways.push(api, worker);

    // IMIconnect retries a failed POST (delays compressed: 0.5, 1, 2, 4 s); the web chat retries 503s for 15 s.
    const imi = new ImiLoad(api.url, inbound, 'rr', [500, 1000, 2000, 4000]);
    const apiChannel = new ApiLoad(api.url, 'rr', 15_000);
    const total = 10 * 12 + 10 * 12;
    let acked = 0;
    let outage: Promise<void> | undefined;
    const statuses = new Map<string, Map<number, number>>();
    let downAt = 0;
    let upAt = 0;

    const probes: Probe[] = [
      { name: 'GET /readyz', request: () => fetch(`${api.url}/readyz`) },
      { name: 'GET /healthz', request: () => fetch(`${api.url}/healthz`) },
      {
        name: 'POST /imiconnect/:id',
        request: () =>
          fetch(`${api.url}/imiconnect/${IMI_INTEGRATION}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.IMI_TOKEN}` },
            body: JSON.stringify(incomingMessage({ conversationId: 'rr-probe', messageId: `probe-${Date.now()}-${Math.random()}`, message: 'probe' })),
          }),
      },
      {
        name: 'POST /api/v1/conversations',
        request: () => fetch(`${api.url}/api/v1/conversations`, { method: 'POST', headers: { authorization: `Bearer ${SECRETS.API_TOKEN}`, 'content-type': 'application/json' }, body: '{}' }),
      },
      {
        name: 'POST /iadvize/conversations/:id/messages',
        request: () => {
          const body = JSON.stringify({ idOperator: 'ha-1', message: { idMessage: `p-${Date.now()}`, author: { role: 'visitor' }, payload: { contentType: 'text', value: 'probe' }, createdAt: new Date().toISOString() } });
          return fetch(`${api.url}/iadvize/conversations/rr-probe/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-iadvize-signature': iadvizeSignature(SECRETS.IADVIZE_SECRET, body) }, body });
        },
      },
      {
        name: 'GET /iadvize/availability-strategies',
        request: () => {
          const query = 'idOperator=ha-1&idWebsite=1';
          return fetch(`${api.url}/iadvize/availability-strategies?${query}`, { headers: { 'x-iadvize-signature': iadvizeSignature(SECRETS.IADVIZE_SECRET, query) } });
        },
      },
    ];
    const badAnswers: string[] = [];
    let slowestProbeMs = 0;
    const probe = async () => {
      for (const p of probes) {
        const sentAt = Date.now();
        const response = await p.request().catch(() => null);
        slowestProbeMs = Math.max(slowestProbeMs, Date.now() - sentAt);
        const status = response?.status ?? 0;
        const byStatus = statuses.get(p.name) ?? new Map<number, number>();
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        statuses.set(p.name, byStatus);
        const body = response ? await response.text() : '';
        if (status === 0 || (status >= 500 && status !== 503)) badAnswers.push(`${p.name} → ${status} ${body}`);
        if (status >= 400) {
          const json = JSON.parse(body) as { error?: unknown; message?: unknown };
          if (typeof json.error !== 'string' || typeof json.message !== 'string') badAnswers.push(`${p.name} → ${status} not {error, message}: ${body}`);
        }
      }
    };

    const onAck = () => {
      acked += 1;
      if (outage || acked < total / 3) return;
      outage = (async () => {
        await redis.kill('SIGKILL');
        downAt = Date.now();
        // Probe every route while Redis is away (bounded by the outage).
        while (Date.now() - downAt < OUTAGE_MS) await probe();
        redis = await startRedisServer({ appendOnly: true, port: redisPort, dir: redisDir });
        upAt = Date.now();
      })();
    };
    const started = Date.now();
    await Promise.all([imi.run(10, 12, 10, onAck), apiChannel.run(10, 12, 10, onAck)]);
    await outage;
    const sentIn = Date.now() - started;
    const slowestDuringOutage = slowestProbeMs;
    const probesDuringOutage = new Map([...statuses].map(([name, byStatus]) => [name, new Map(byStatus)]));
    await probe(); // after the restart: every route back to normal

    const redisClient = new Redis(redis.url);
    try {
      await waitUntil(
        async () => {
          const [inboxWaiting, outboxWaiting] = await redisClient.mget(`${PREFIX}:lane-waiting:inbox`, `${PREFIX}:lane-waiting:outbox`);
          if (Number(inboxWaiting ?? 0) > 0 || Number(outboxWaiting ?? 0) > 0) return false;
          return tally(imi.expected, imi.received()).lost === 0 && tally(apiChannel.expected, await apiChannel.received()).lost === 0;
        },
        45_000,
        'every lane drained and every reply delivered',
        200,
      ).catch(() => undefined);
      const drainedIn = Date.now() - upAt;
      const results = { imiconnect: tally(imi.expected, imi.received()), api: tally(apiChannel.expected, await apiChannel.received()) };
      const all = sumTallies(Object.values(results));
      const ready = await fetch(`${api.url}/readyz`);
      const workerReady = await fetch(`${worker.url}/readyz`);
      report(SCENARIO, `load: ${total} messages (IMIconnect 10×12 with platform retries, API 10×12 with client retries) in ${sentIn} ms; Redis SIGKILLed after ${Math.round(total / 3)} acks, restarted (same port, same AOF dir) after ${upAt - downAt} ms`);
      for (const [name, byStatus] of probesDuringOutage) {
        report(SCENARIO, `while Redis was away: ${name} → ${[...byStatus].map(([s, n]) => `${s}×${n}`).join(' ')}`);
      }
      report(SCENARIO, `slowest answer while Redis was away: ${slowestDuringOutage} ms`);
      report(SCENARIO, `senders: IMIconnect acked ${imi.stats.acked}, never acked ${imi.stats.refused}, non-2xx on the way ${formatStatuses(imi.stats)}; API acked ${apiChannel.stats.acked}, never acked ${apiChannel.stats.refused}, non-2xx on the way ${formatStatuses(apiChannel.stats)}`);
      for (const [channel, t] of Object.entries(results)) report(SCENARIO, `${channel}: ${formatTally(t)}`);
      report(SCENARIO, `TOTAL acknowledged: ${formatTally(all)}; drained ${drainedIn} ms after Redis came back; /readyz after: api ${ready.status}, worker ${workerReady.status}; processes alive: api ${api.alive}, worker ${worker.alive}`);
      report(SCENARIO, `bad answers (5xx other than 503, network errors, non-JSON refusals): ${badAnswers.length ? badAnswers.slice(0, 5).join(' | ') : 'none'}`);

      expect(badAnswers).toEqual([]);
      // Fail fast: a 503 at once, not a request held until the vendor's own timeout (IMIconnect: 5 s).
      expect(slowestDuringOutage).toBeLessThan(1000);
      expect(probesDuringOutage.get('GET /readyz')?.get(503)).toBeGreaterThan(0);
      expect(probesDuringOutage.get('POST /api/v1/conversations')?.get(503)).toBeGreaterThan(0);
      expect(probesDuringOutage.get('POST /imiconnect/:id')?.get(503)).toBeGreaterThan(0);
      expect(api.alive && worker.alive).toBe(true);
      expect(ready.status).toBe(200);
      expect(workerReady.status).toBe(200);
      expect(all.sent + imi.stats.refused + apiChannel.stats.refused).toBe(total);
      expect(all.lost).toBe(0);
      expect(all.duplicates).toBe(0);
      expect(all.outOfOrder).toBe(0);
    } finally {
      redisClient.disconnect();
    }
  }, 150_000);

  it('no configured secret appears in any line the processes wrote', async () => {
    expect(await stopAndScanForSecrets(SCENARIO, gateways)).toEqual([]);
  });
});
