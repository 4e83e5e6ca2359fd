import type { Logger } from '@botgate/core';
import { loadConfig, type LoadedConfig } from '../config/load-config';
import type { Role } from '../config/schema';
import { createLogger } from '../logging/create-logger';
import { createGateway, type Gateway } from '../wiring/create-gateway';
import { describeError, type CommandIo } from './output';

export interface StartCommandOptions {
  file?: string;
  role?: Role;
}

/** First signal: graceful stop, exit 0. Second signal (or a stop that hangs): exit now. */
function exitOnSignals(gateway: Gateway, logger: Logger, exit: (code: number) => void): void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    received++;
    if (received > 1) {
      logger.warn('second signal: exiting without waiting', { signal });
      exit(1);
      return;
    }
    logger.info('signal received: shutting down gracefully', { signal });
    const deadline = setTimeout(() => {
      logger.error('graceful shutdown took too long: exiting');
      exit(1);
    }, gateway.config.server.shutdownTimeoutMs * 2);
    deadline.unref();
    gateway.stop().then(
      () => exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** `botgate start`: resolves once serving; the process then lives until a signal. */
export async function startCommand(options: StartCommandOptions, io: CommandIo, exit: (code: number) => void): Promise<number | 'serving'> {
  // --role beats BOTGATE_ROLE, which beats the file.
  const env = options.role ? { ...io.env, BOTGATE_ROLE: options.role } : io.env;
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ file: options.file, env });
  } catch (error) {
    for (const line of describeError(error)) io.err(line);
    return 1;
  }
  const { config, source, demoToken, demoAdminPassword } = loaded;
  const logger = createLogger(config.logLevel, { defaultMeta: { service: 'botgate', role: config.role, pid: process.pid } });
  logger.info('configuration loaded', { source });
  if (demoToken) {
    // Logged in the message on purpose (meta keys named like "token" are redacted): the demo is
    // unusable without it, and it is made up fresh on every start.
    logger.warn(`embedded demo configuration: not for production. API channel demo token: ${demoToken}`);
  }
  if (demoAdminPassword) {
    logger.warn(`embedded demo configuration: /admin user "admin", password: ${demoAdminPassword} (made up for this run)`);
  }
  let gateway: Gateway;
  try {
    gateway = await createGateway(config, { logger });
  } catch (error) {
    for (const line of describeError(error)) io.err(line);
    return 1;
  }
  // Before start: a signal during start-up must stop what has started, not kill it midway.
  exitOnSignals(gateway, logger, exit);
  try {
    await gateway.start();
  } catch (error) {
    logger.error('start-up failed', { error });
    await gateway.stop().catch(() => undefined);
    return 1;
  }
  return 'serving';
}
