import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@botgate/testkit';

// Servers under test run as child processes started exactly like `npm start` (node with the
// source condition and tsx), so the gateway and its baseline share one process model and the
// load generator's CPU time never lands in the measured event loop.

export const REPO_ROOT = resolve(__dirname, '../..');
const NODE_FLAGS = ['--conditions=botgate-src', '--import', 'tsx'];

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Resident set size now, in bytes (from /proc; 0 when unavailable). */
  rss(): number;
  /** Stops the process with SIGTERM (graceful), SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** Last lines the process wrote to stderr (for error reports). */
  stderrTail(): string;
}

export interface SpawnOptions {
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  env?: Record<string, string>;
  /** Path probed with GET until it answers 200. */
  readyPath: string;
  readyTimeoutMs?: number;
  /** The checkout to run from (default this one): another tree's build, for before/after runs. */
  root?: string;
}

function readRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}:\n${tail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready at ${url} within ${timeoutMs} ms:\n${tail()}`);
}

/**
 * Production (the Dockerfile) runs the compiled gateway, `node apps/gateway/dist/cli.js`: no tsx
 * loader thread, no transpiling. `npm run bench` does so after `npm run build`; `--src` runs the
 * sources under tsx like `npm start`.
 */
let compiledGateway = false;
export function useCompiledGateway(on: boolean): void {
  compiledGateway = on;
}

async function spawnServer(script: string[], port: number, options: SpawnOptions & { loaderFlags?: string[] }): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...(options.loaderFlags ?? NODE_FLAGS), ...(options.nodeFlags ?? []), ...script], {
    cwd: options.root ?? REPO_ROOT,
    env: { ...process.env, ...options.env, PORT: String(port) },
    // stdout (the JSON log lines) is discarded but still produced: logging stays on the path.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const tail = () => stderr;
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${url}${options.readyPath}`, child, options.readyTimeoutMs ?? 30_000, tail);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pid = child.pid ?? -1;
  return {
    url,
    pid,
    rss: () => readRss(pid),
    stderrTail: tail,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One of bench/servers/*.ts, ready once GET `readyPath` answers 200. */
export async function startBenchServer(script: string, options: SpawnOptions): Promise<ServerProcess> {
  return spawnServer([script], await freePort(), options);
}

/**
 * The bare express 5 JSON baseline (bench/servers/bare-express.ts); with `prototypesFromBirth`,
 * served like the gateway (createExpressServer: no per-request prototype swap), the reference
 * that shows what the gateway's own work costs once express's swap is out of both.
 */
export async function startBareExpress(nodeFlags: string[] = [], options: { prototypesFromBirth?: boolean; env?: Record<string, string> } = {}): Promise<ServerProcess> {
  const env: Record<string, string> = { ...options.env, ...(options.prototypesFromBirth ? { BARE_EXPRESS_PROTOTYPES_FROM_BIRTH: '1' } : {}) };
  return startBenchServer('bench/servers/bare-express.ts', { readyPath: '/json', nodeFlags, env });
}

/** The end-to-end floor (bench/servers/bare-relay.ts): acknowledges at /relay, posts 1001s to `inboundUrl`. */
export async function startBareRelay(inboundUrl: string): Promise<ServerProcess> {
  return startBenchServer('bench/servers/bare-relay.ts', { readyPath: '/relay', env: { INBOUND_URL: inboundUrl } });
}

/**
 * A gateway config written to a file of its own for the run (YAML is a superset of JSON, so it is
 * written as JSON), listening on loopback unless the config says otherwise; returns the path.
 */
export function writeGatewayConfig(config: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'botgate-bench-')), 'botgate.yaml');
  writeFileSync(file, JSON.stringify({ server: { host: '127.0.0.1' }, ...config }, null, 2));
  return file;
}

/** The real gateway, `botgate start --config <file>` on a config written for the run. */
export async function startGateway(
  config: Record<string, unknown>,
  options: { redisUrl: string; nodeFlags?: string[]; logLevel?: string; role?: 'api' | 'worker' | 'all'; env?: Record<string, string>; root?: string },
): Promise<ServerProcess> {
  const port = await freePort();
  const file = writeGatewayConfig(config);
  const cli = compiledGateway ? 'apps/gateway/dist/cli.js' : 'apps/gateway/src/cli.ts';
  return spawnServer([cli, 'start', '--config', file, ...(options.role ? ['--role', options.role] : [])], port, {
    ...(compiledGateway ? { loaderFlags: [] } : {}),
    readyPath: '/readyz',
    ...(options.root ? { root: options.root } : {}),
    nodeFlags: [...GATEWAY_NODE_FLAGS, ...(options.nodeFlags ?? [])],
    env: { ...options.env, REDIS_URL: options.redisUrl, LOG_LEVEL: options.logLevel ?? 'info' },
  });
}

/** Node/V8 flags given as one string on a bench command line (`--node-flags="…"`), one per word. */
export function nodeFlagsOf(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter(Boolean);
}

/** The gateway's own node flags, as the Dockerfile's ENTRYPOINT and `npm start` pass them. */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=32', '--heap-growing-percent=100'];

/** Samples a process's RSS every `everyMs` until stopped; returns the peak. */
export function sampleRss(server: ServerProcess, everyMs = 200): { stop(): number } {
  let peak = server.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, server.rss());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, server.rss());
    },
  };
}
