import type { RedisServerHandle } from '../packages/testkit/src/redis-server';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __BOTGATE_REDIS__?: RedisServerHandle }).__BOTGATE_REDIS__;
  await server?.stop();
}
