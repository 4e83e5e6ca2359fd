// A worker process for redis-multi-process.test.ts: drains lanes with the real Redis driver and
// records (key, seq, pid) of every handled item into a Redis list the test reads.
import Redis from 'ioredis';
import { createRedisDriver } from '../redis/redis-driver';

const url = process.env.ORDERING_REDIS_URL ?? '';
const prefix = process.env.ORDERING_PREFIX ?? '';
const resultsKey = `${prefix}:results`;

async function main(): Promise<void> {
  const driver = createRedisDriver({ url, prefix });
  const recorder = new Redis(url);
  await driver.queue.startWorkers(
    {
      lane: async (_lane, key, item) => {
        // A little work per item so that the lanes spread over the processes.
        await new Promise((resolve) => setTimeout(resolve, 2));
        await recorder.rpush(resultsKey, `${key}|${(item.data as { seq: number }).seq}|${process.pid}`);
        return { kind: 'done' };
      },
      scheduled: async () => undefined,
    },
    { concurrency: 4 },
  );
  const stop = async (): Promise<void> => {
    await driver.close();
    await recorder.quit();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('SIGTERM', () => void stop());
  process.send?.('ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`ordering worker failed: ${String(error)}\n`);
  process.exit(1);
});
