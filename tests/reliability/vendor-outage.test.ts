import type { RedisServerHandle } from '../../packages/testkit/src/redis-server';
import { startImiconnectInboundServer, type ImiconnectInboundServer } from '../../packages/testkit/src/imiconnect';
import { botgateCli } from './harness/cli';
import { EchoBot } from './harness/echo-bot';
import { IMI_INTEGRATION, reliabilityConfig } from './harness/gateway-config';
import { GatewayProcess, writeConfig, type LogLine } from './harness/gateway-process';
import { ImiLoad } from './harness/load';
import { formatTally, report, tally, stopAndScanForSecrets } from './harness/report';
import { waitUntil } from './harness/wait';
import { startBackends, stopBackends } from './harness/backends';

// Issue 7: a vendor endpoint down for a while (time-compressed through config: breaker cooldown
// and retry delays in milliseconds instead of seconds and minutes). The IMIconnect inbound URL
// answers 503 to everything during the outage.

const SCENARIO = 'vendor-outage';
const DOWN = 100_000; // more scripted failures than the scenario can consume: "down until reset()"

function breakerMoves(gateway: GatewayProcess): string[] {
  return gateway
    .lines()
    .filter((line: LogLine) => line.message === 'circuit breaker changed state' && line.target === IMI_INTEGRATION)
    .map((line) => `${String(line.from)}→${String(line.to)}`);
}

describe('vendor endpoint down', () => {
  let redis: RedisServerHandle;
  let bot: EchoBot;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    ({ redis, bot } = await startBackends({ inbound: false }));
  });

  afterAll(async () => {
    await stopBackends({ redis, bot });
  });

  /** A gateway (role all) delivering to `inbound` with this breaker and IMIconnect retry budget, and its config file. */
  async function startGateway(
    suffix: string,
    inbound: ImiconnectInboundServer,
    breaker: { failureThreshold: number; cooldownMs: number },
    retry: { attempts: number; delaysMs: number[] },
  ): Promise<{ gateway: GatewayProcess; file: string }> {
    const file = writeConfig(reliabilityConfig({ redisUrl: redis.url, botUrl: bot.url, imiInboundUrl: inbound.url, router: { breaker }, imiconnect: { retry } }));
    const gateway = await GatewayProcess.start(`${SCENARIO}-${suffix}`, file, 'all');
    gateways.push(gateway);
    return { gateway, file };
  }

  it('within the retry budget: the breaker opens and closes, everything is delivered after recovery, in order', async () => {
    const inbound = await startImiconnectInboundServer();
    try {
      const { gateway, file } = await startGateway('budget', inbound, { failureThreshold: 3, cooldownMs: 300 }, { attempts: 50, delaysMs: [100, 200, 400] });
      inbound.failNext(DOWN, 503);
      const downAt = Date.now();
      const imi = new ImiLoad(gateway.url, inbound, 'vo');
      await imi.run(8, 5, 8);
      await gateway.waitForLine((line) => line.message === 'circuit breaker changed state' && line.to === 'open', 10_000);
      // Down for 3 s in all: many cooldowns, each ending in a failed half-open probe.
      await waitUntil(() => Date.now() - downAt >= 3000, 5000, 'the outage to last 3 s');
      const failedCalls = inbound.received.length;
      inbound.reset();
      const upAt = Date.now();
      await waitUntil(() => tally(imi.expected, imi.received()).lost === 0, 20_000, 'every reply after recovery').catch(() => undefined);
      const recoveredIn = Date.now() - upAt;
      const result = tally(imi.expected, imi.received());
      const moves = breakerMoves(gateway);
      const letters = await botgateCli(['dlq', 'list', '--json', '--config', file]);
      const deadLetters = (JSON.parse(letters.stdout) as unknown[]).length;
      report(SCENARIO, `outage 3000 ms (every POST answered 503), ${failedCalls} failed vendor calls; after recovery: ${formatTally(result)}; all delivered ${recoveredIn} ms after the vendor came back; dead letters ${deadLetters}`);
      report(SCENARIO, `breaker transitions (worker log): ${moves.join(', ')}`);
      expect(result).toMatchObject({ sent: 40, delivered: 40, duplicates: 0, lost: 0, outOfOrder: 0 });
      expect(moves[0]).toBe('closed→open');
      expect(moves).toContain('half-open→open');
      expect(moves[moves.length - 1]).toBe('half-open→closed');
      // The breaker spared the vendor: far fewer calls than 40 items retried every 100–400 ms for 3 s.
      expect(failedCalls).toBeLessThan(40 * 3);
      expect(deadLetters).toBe(0);
    } finally {
      await inbound.close();
    }
  }, 60_000);

  it('beyond the retry budget: every message is dead-lettered (logged, listed), none vanishes, and a replay delivers them', async () => {
    const inbound = await startImiconnectInboundServer();
    try {
      const { gateway, file } = await startGateway('dlq', inbound, { failureThreshold: 3, cooldownMs: 100 }, { attempts: 3, delaysMs: [50, 100] });
      inbound.failNext(DOWN, 503);
      const imi = new ImiLoad(gateway.url, inbound, 'vd');
      await imi.run(4, 3, 4);
      const sent = 12;
      const deadLogged = () => gateway.lines().filter((line) => line.message === 'delivery dead-lettered' && line.target === IMI_INTEGRATION);
      await waitUntil(() => deadLogged().length >= sent, 30_000, 'every delivery dead-lettered');
      const listed = JSON.parse((await botgateCli(['dlq', 'list', '--json', '--config', file])).stdout) as Array<{ error: string }>;
      const attemptsMade = inbound.received.length;
      report(SCENARIO, `vendor down for good: ${sent} replies, ${attemptsMade} vendor calls (budget 3 attempts each = ${sent * 3}), ${deadLogged().length} "delivery dead-lettered" error log lines, ${listed.length} dead letters listed by \`botgate dlq list\`; errors: ${[...new Set(listed.map((l) => l.error.replace(/: .*/, '')))].join(' | ')}`);
      expect(listed).toHaveLength(sent);
      expect(listed.every((letter) => /^gave up after 3 attempts/.test(letter.error))).toBe(true);
      // Never more calls than the budget: the breaker's probes spend it, they do not add to it.
      expect(attemptsMade).toBeLessThanOrEqual(sent * 3);

      inbound.reset();
      const replay = await botgateCli(['dlq', 'replay', '--all', '--config', file]);
      await waitUntil(() => tally(imi.expected, imi.received()).lost === 0, 20_000, 'every replayed reply').catch(() => undefined);
      const result = tally(imi.expected, imi.received());
      const left = JSON.parse((await botgateCli(['dlq', 'list', '--json', '--config', file])).stdout) as unknown[];
      report(SCENARIO, `after \`botgate dlq replay --all\` (${replay.stdout.trim().split('\n').pop() ?? ''}): ${formatTally(result)}; dead letters left ${left.length}`);
      expect(result).toMatchObject({ sent, delivered: sent, duplicates: 0, lost: 0, outOfOrder: 0 });
      expect(left).toHaveLength(0);
    } finally {
      await inbound.close();
    }
  }, 90_000);

  it('no configured secret appears in any line the processes wrote', async () => {
    expect(await stopAndScanForSecrets(SCENARIO, gateways)).toEqual([]);
  });
});
