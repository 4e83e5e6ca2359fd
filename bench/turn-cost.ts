import { randomUUID } from 'node:crypto';
import { assembleGateway, createSilentLogger, createStorage, loadConfig } from '@botgate/gateway';
import { startRedisServer } from '@botgate/testkit';
import { IADVIZE_GATEWAY_CONFIG } from './iadvize';
import { runMain } from './lib/main';
import { writeGatewayConfig } from './lib/processes';

// What one synchronous iAdvize turn costs without HTTP: router.ingestAndWait on the gateway's
// own parts (Redis driver, demo scenario), 50 callers over 1,000 conversations, CPU per turn.
// usage: node --conditions=botgate-src --import tsx bench/turn-cost.ts [seconds]
async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 6);
  const redis = await startRedisServer();
  const { config } = loadConfig({ file: writeGatewayConfig(IADVIZE_GATEWAY_CONFIG), env: { REDIS_URL: redis.url, LOG_LEVEL: 'warn' } });
  const logger = createSilentLogger();
  const storage = createStorage(config, logger);
  const parts = await assembleGateway(config, { storage, logger });
  await parts.startIntake();
  await parts.router.startWorkers(config.router.workerConcurrency);
  const connector = [...parts.connectors.keys()].find((name) => name !== 'api') as string;
  let n = 0;
  const event = (conversation: number) => {
    const id = `iadvize:c${conversation}:${randomUUID()}`;
    return {
      id, dedupeKey: id, type: 'message' as const, author: 'visitor' as const,
      channel: { vendor: 'iadvize', connector, tenant: 'w-bench', externalId: `c${conversation}` },
      content: { type: 'text' as const, text: ['hi', 'menu', 'hello'][n % 3] }, at: new Date().toISOString(),
    };
  };
  const run = async (ms: number) => {
    const until = Date.now() + ms;
    let done = 0;
    await Promise.all(Array.from({ length: 50 }, async (_, caller) => {
      for (let i = caller; Date.now() < until; i += 50) {
        n++;
        const result = await parts.router.ingestAndWait(event(i % 1000), { botId: 'demo' }, 2000);
        if (!result.actions?.length) throw new Error(`no answer: ${JSON.stringify(result)}`);
        done++;
      }
    }));
    return done;
  };
  await run(2000);
  const before = process.cpuUsage();
  const started = Date.now();
  const turns = await run(seconds * 1000);
  const cpu = process.cpuUsage(before);
  process.stdout.write(`turn-cost: ${turns} turns in ${((Date.now() - started) / 1000).toFixed(1)} s; CPU µs per turn ${Math.round((cpu.user + cpu.system) / turns)}\n`);
  await parts.router.close();
  await parts.stopVendors();
  await storage.close();
  await redis.stop();
}
runMain('turn-cost', main);
