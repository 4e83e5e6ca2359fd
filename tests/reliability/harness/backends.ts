import { startRedisServer, type RedisServerHandle, type RedisServerOptions } from '../../../packages/testkit/src/redis-server';
import { startImiconnectInboundServer, type ImiconnectInboundServer } from '../../../packages/testkit/src/imiconnect';
import { EchoBot } from './echo-bot';
import { killAllGateways } from './gateway-process';

/** What the gateways of a scenario run against: a Redis, the echo webhook bot, IMIconnect's inbound URL. */
export interface Backends {
  redis: RedisServerHandle;
  bot: EchoBot;
  inbound: ImiconnectInboundServer;
}

/** Starts them; `inbound: false` for a scenario that makes its own inbound simulators. */
export async function startBackends(options?: { redis?: RedisServerOptions }): Promise<Backends>;
export async function startBackends(options: { redis?: RedisServerOptions; inbound: false }): Promise<Omit<Backends, 'inbound'>>;
export async function startBackends(options: { redis?: RedisServerOptions; inbound?: false } = {}): Promise<Partial<Backends>> {
  const redis = await startRedisServer(options.redis);
  const bot = await EchoBot.start();
  return options.inbound === false ? { redis, bot } : { redis, bot, inbound: await startImiconnectInboundServer() };
}

/** Kills every gateway process, then stops whatever of the backends was started. */
export async function stopBackends(backends: Partial<Backends>): Promise<void> {
  await killAllGateways();
  await backends.inbound?.close();
  await backends.bot?.close();
  await backends.redis?.stop();
}
