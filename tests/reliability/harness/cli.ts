import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { SECRETS } from './secrets';

const ROOT = resolve(__dirname, '../../..');

/** Runs a `botgate` CLI command (as an operator would) and returns its exit code and output. */
export function botgateCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--conditions=botgate-src', '--import', 'tsx', 'apps/gateway/src/cli.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...SECRETS }, timeout: 30_000 },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
