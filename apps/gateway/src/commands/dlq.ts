import type { DeadLetter } from '@botgate/core';
import { loadConfig, type LoadedConfig } from '../config/load-config';
import { createSilentLogger } from '../logging/create-logger';
import { createStorage } from '../wiring/create-storage';
import { describeError, type CommandIo } from './output';

export interface DlqCommandOptions {
  file?: string;
  action: 'list' | 'replay';
  id?: string;
  all?: boolean;
  limit?: number;
  json?: boolean;
}

function describeLetter(letter: DeadLetter): string {
  return `${letter.id}  ${letter.failedAt}  ${letter.lane}/${letter.key}  ${letter.error}`;
}

/** `botgate dlq list|replay [ID|--all]`: the dead-letter queue of the configured Redis. */
export async function dlqCommand(options: DlqCommandOptions, io: CommandIo): Promise<number> {
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ file: options.file, env: io.env });
  } catch (error) {
    for (const line of describeError(error)) io.err(line);
    return 1;
  }
  if (!loaded.config.redis.url) {
    io.err('no Redis configured (redis.url / REDIS_URL): the memory driver keeps dead letters inside the running gateway, out of reach of this command');
    return 1;
  }
  if (options.action === 'replay' && !options.id && !options.all) {
    io.err('dlq replay needs a dead letter id or --all');
    return 2;
  }
  const storage = createStorage(loaded.config, createSilentLogger());
  try {
    if (options.action === 'list') {
      const letters = await storage.queue.deadLetters(options.limit ?? 100);
      if (options.json) io.out(JSON.stringify(letters, null, 2));
      else if (letters.length === 0) io.out('the dead-letter queue is empty');
      else letters.forEach((letter) => io.out(describeLetter(letter)));
      return 0;
    }
    // deadLetters() lists newest first; replay oldest first, so that each conversation's lane
    // gets its dead letters back in the order they were meant to go out.
    const ids = options.all ? (await storage.queue.deadLetters(options.limit ?? 10_000)).map((l) => l.id).reverse() : [options.id ?? ''];
    let missing = 0;
    for (const id of ids) {
      if (await storage.queue.replay(id)) io.out(`replayed ${id}`);
      else {
        missing++;
        io.err(`no dead letter ${id}`);
      }
    }
    if (options.all) io.out(`${ids.length - missing} dead letter(s) replayed`);
    return missing > 0 ? 1 : 0;
  } catch (error) {
    for (const line of describeError(error)) io.err(line);
    return 1;
  } finally {
    await storage.close();
  }
}
