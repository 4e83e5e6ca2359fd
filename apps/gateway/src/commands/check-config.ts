import { createMemoryDriver } from '@botgate/redis';
import { loadConfig } from '../config/load-config';
import { createSilentLogger } from '../logging/create-logger';
import { assembleGateway } from '../wiring/assemble-gateway';
import { describeError, type CommandIo } from './output';

/**
 * `botgate check-config`: everything `start` would check (schema, env, scenario files, vendor
 * sections, bot references) without connecting to anything or starting anything.
 */
export async function checkConfigCommand(options: { file?: string }, io: CommandIo): Promise<number> {
  // A throwaway memory driver: assembling needs storage, checking must not touch Redis.
  const storage = createMemoryDriver();
  try {
    const { config, source } = loadConfig({ file: options.file, env: io.env });
    const parts = await assembleGateway(config, { storage, logger: createSilentLogger() });
    await parts.stopVendors();
    io.out(`configuration OK (${source})`);
    io.out(`  role ${config.role}, storage ${config.redis.url ? 'redis' : 'memory'}, port ${config.server.port}`);
    io.out(`  bots: ${[...parts.bots.keys()].join(', ')}`);
    io.out(`  channels: ${[...parts.connectors.keys()].join(', ') || '(none)'}`);
    if (parts.desks.size > 0) io.out(`  desks: ${[...parts.desks.keys()].join(', ')}`);
    return 0;
  } catch (error) {
    for (const line of describeError(error)) io.err(line);
    return 1;
  } finally {
    await storage.close();
  }
}
