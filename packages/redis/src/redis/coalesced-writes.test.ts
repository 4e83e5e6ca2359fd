import type { Socket } from 'node:net';
import Redis from 'ioredis';
import { coalesceWrites } from './coalesced-writes';

const url = process.env.BOTGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Counts the socket writes (one per syscall-level write, writev or write) of the current socket. */
function countSocketWrites(redis: Redis): { writes: number } {
  const socket = (redis as unknown as { stream: Socket & { _writev?: Function; _write: Function } }).stream;
  const counter = { writes: 0 };
  for (const method of ['_write', '_writev'] as const) {
    const original = socket[method];
    if (!original) continue;
    socket[method] = function (this: Socket, ...args: unknown[]) {
      counter.writes += 1;
      return original.apply(this, args);
    };
  }
  return counter;
}

async function readyClient(): Promise<Redis> {
  const redis = coalesceWrites(new Redis(url, { lazyConnect: true }));
  await redis.connect();
  return redis;
}

describe('coalesceWrites', () => {
  it('sends the commands of one event-loop turn in one write, and each answer to its command', async () => {
    const redis = await readyClient();
    try {
      const counter = countSocketWrites(redis);
      const keys = ['a', 'b', 'c', 'd', 'e'].map((k) => `coalesce-test:${process.pid}:${k}`);
      const answers = await Promise.all(keys.map((key, i) => redis.set(key, String(i)).then(() => redis.get(key))));
      expect(answers).toEqual(['0', '1', '2', '3', '4']);
      // Five SETs in one turn, then the five GETs their answers issued (read in one go): two writes.
      expect(counter.writes).toBe(2);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  it('sends a command issued alone without waiting for others', async () => {
    const redis = await readyClient();
    try {
      const counter = countSocketWrites(redis);
      expect(await redis.ping()).toBe('PONG');
      expect(counter.writes).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('coalesces again on the socket of a reconnection', async () => {
    const redis = await readyClient();
    try {
      const reconnected = new Promise((resolve) => redis.once('ready', resolve));
      redis.disconnect(true);
      await reconnected;
      const counter = countSocketWrites(redis);
      expect(await Promise.all([redis.ping(), redis.ping(), redis.ping()])).toEqual(['PONG', 'PONG', 'PONG']);
      expect(counter.writes).toBe(1);
    } finally {
      redis.disconnect();
    }
  });
});
