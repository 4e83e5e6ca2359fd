import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SECRETS, secretLeaks, type SecretName } from './secrets';

// A real `botgate start` process (the same command as `npm start`), its whole output kept in
// memory and copied to a log file so a failing run can be read afterwards.

const ROOT = resolve(__dirname, '../../..');
export const LOG_DIR = process.env.BOTGATE_RELIABILITY_LOGS ?? join(tmpdir(), 'botgate-reliability-logs');

export type GatewayRole = 'api' | 'worker' | 'all';

export interface LogLine {
  level?: string;
  message?: string;
  [key: string]: unknown;
}

export class GatewayProcess {
  output = '';
  port = 0;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: Array<() => void> = [];

  private constructor(
    readonly name: string,
    readonly role: GatewayRole,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.output += text;
      appendFileSync(logFile, text);
      for (const wake of this.waiters.splice(0)) wake();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void this.exited.then(() => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async start(name: string, configFile: string, role: GatewayRole, env: Record<string, string> = {}): Promise<GatewayProcess> {
    mkdirSync(LOG_DIR, { recursive: true });
    const child = spawn(
      process.execPath,
      ['--conditions=botgate-src', '--import', 'tsx', 'apps/gateway/src/cli.ts', 'start', '--config', configFile, '--role', role],
      {
        cwd: ROOT,
        // Secrets reach the process the production way: ${VAR} in the file, values in the environment.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...SECRETS, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const logFile = join(LOG_DIR, `${name}-${role}-${child.pid ?? 'x'}.log`);
    writeFileSync(logFile, '');
    const gateway = new GatewayProcess(name, role, child, logFile);
    running.add(gateway);
    void gateway.exited.then(() => running.delete(gateway));
    const started = await gateway.waitForLine((line) => line.message === 'botgate started', 30_000);
    gateway.port = Number(String(started.address).split(':').pop());
    return gateway;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Every JSON log line so far. */
  lines(): LogLine[] {
    return this.output.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  }

  /** Resolves with the first log line matching `predicate`; rejects if the process exits first. */
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
    return new Promise((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}/${this.role}: no matching log line within ${timeoutMs} ms\n${this.output.slice(-3000)}`)), timeoutMs);
      const check = () => {
        const found = this.lines().find(predicate);
        if (found) {
          clearTimeout(timer);
          resolveLine(found);
        } else if (!this.alive) {
          clearTimeout(timer);
          reject(new Error(`${this.name}/${this.role} exited before the expected log line\n${this.output.slice(-3000)}`));
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  /** SIGKILL: no shutdown code runs, as when a machine or container dies. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Graceful stop (SIGTERM), SIGKILL if it hangs. Resolves with the exit code. */
  async stop(timeoutMs = 10_000): Promise<number | null> {
    if (!this.alive) return (await this.exited).code;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const { code } = await this.exited;
    clearTimeout(timer);
    return code;
  }

  leaks(): Array<{ secret: SecretName; line: string }> {
    return secretLeaks(this.output);
  }
}

const running = new Set<GatewayProcess>();

/** For afterAll: kills whatever is still running, even when a test failed midway. */
export async function killAllGateways(): Promise<void> {
  await Promise.all([...running].map((gateway) => gateway.kill()));
}

/** Writes a config file in a fresh temporary directory. */
export function writeConfig(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'botgate-rel-'));
  const file = join(dir, 'botgate.yaml');
  writeFileSync(file, yaml);
  return file;
}
