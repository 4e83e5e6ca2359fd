import { ConfigError } from '@botgate/core';

/** Where a command writes; tests pass their own. */
export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

export const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

/** One readable block per error: a ConfigError lists every issue as `path: reason`. */
export function describeError(error: unknown): string[] {
  if (error instanceof ConfigError) {
    const headline = error.message.split('\n')[0];
    return [headline, ...error.issues.map((issue) => `  ${issue.path}: ${issue.reason}`)];
  }
  return [error instanceof Error ? error.message : String(error)];
}
