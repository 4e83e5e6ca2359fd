#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { checkConfigCommand } from './commands/check-config';
import { dlqCommand } from './commands/dlq';
import { processIo, type CommandIo } from './commands/output';
import { simulateCommand } from './commands/simulate';
import { startCommand } from './commands/start';

export const USAGE = `usage: botgate <command> [options]

  start [--config FILE] [--role api|worker|all]   run the gateway (no config: the local demo)
  check-config [--config FILE]                    validate config and scenarios, start nothing
  dlq list [--limit N] [--json] [--config FILE]   show dead letters (Redis only)
  dlq replay ID | --all [--config FILE]           put dead letters back on their lane
  simulate iadvize [--url URL] [--secret S] [--operator ID] [--language L] [--transfer success|failure]
  simulate imiconnect --url URL [--token T]       chat with a running gateway from the terminal

environment: BOTGATE_CONFIG, PORT, REDIS_URL, LOG_LEVEL, BOTGATE_ROLE (override the file)`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  role: { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  limit: { type: 'string' },
  url: { type: 'string' },
  secret: { type: 'string' },
  token: { type: 'string' },
  operator: { type: 'string' },
  language: { type: 'string' },
  transfer: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** An exit code, or 'serving': `start` succeeded and the process lives on until a signal. */
export type CliOutcome = number | 'serving';

export async function runCli(argv: string[], io: CommandIo = processIo, exit: (code: number) => void = process.exit): Promise<CliOutcome> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err((error as Error).message);
    io.err(USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  const file = values.config;
  switch (command) {
    case 'start': {
      const role = values.role;
      if (role !== undefined && role !== 'api' && role !== 'worker' && role !== 'all') {
        io.err(`--role must be api, worker or all (got ${role})`);
        return 2;
      }
      return startCommand({ file, role }, io, exit);
    }
    case 'check-config':
      return checkConfigCommand({ file }, io);
    case 'dlq': {
      if (sub !== 'list' && sub !== 'replay') {
        io.err('usage: botgate dlq list | botgate dlq replay ID|--all');
        return 2;
      }
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
        io.err('--limit must be a positive integer');
        return 2;
      }
      return dlqCommand({ file, action: sub, id: arg, all: values.all, limit, json: values.json }, io);
    }
    case 'simulate':
      return simulateCommand(
        { vendor: sub ?? '', url: values.url, secret: values.secret, token: values.token, operator: values.operator, language: values.language, transfer: values.transfer },
        io,
      );
    default:
      io.err(`unknown command "${command}"`);
      io.err(USAGE);
      return 2;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (outcome) => {
      if (outcome !== 'serving') process.exit(outcome);
    },
    (error: unknown) => {
      process.stderr.write(`botgate: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
