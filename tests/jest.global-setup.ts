import { startRedisServer } from '../packages/testkit/src/redis-server';

// One real redis-server for the whole run; each test file isolates itself with its own key
// prefix (see testkit's testRedisUrl / uniquePrefix).
export default async function globalSetup(): Promise<void> {
  const server = await startRedisServer();
  process.env.BOTGATE_TEST_REDIS_URL = server.url;
  (globalThis as { __BOTGATE_REDIS__?: unknown }).__BOTGATE_REDIS__ = server;
}
