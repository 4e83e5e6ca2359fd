import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

// The real `botgate start` process: signals, exit codes, the demo token in the logs.

const ROOT = resolve(__dirname, '../../..');

function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=botgate-src', '--import', 'tsx', 'apps/gateway/src/cli.ts', 'start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', BOTGATE_CONFIG: '', REDIS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const w of waiters.filter((w) => w.pattern.test(output))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    exited,
    output: () => output,
    seen: (pattern: RegExp) =>
      new Promise<void>((done, fail) => {
        if (pattern.test(output)) return done();
        waiters.push({ pattern, resolve: done });
        void exited.then(() => fail(new Error(`exited before ${pattern}:\n${output}`)));
      }),
  };
}

describe('botgate start (process)', () => {
  it('starts the embedded demo, logs the demo token, and exits 0 on SIGTERM after a graceful stop', async () => {
    const gateway = startProcess({});
    await gateway.seen(/"message":"botgate started"/);
    expect(gateway.output()).toMatch(/API channel demo token: demo-[0-9a-f]{32}/);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(gateway.output()).toMatch(/"message":"botgate stopped"/);
  });

  it('refuses a bad config with every error and exit 1', async () => {
    const gateway = startProcess({ BOTGATE_ROLE: 'chef', LOG_LEVEL: 'loud' });
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toContain('role: must be one of api, worker, all');
    expect(gateway.output()).toContain('logLevel: must be one of error, warn, info, debug');
  });
});
