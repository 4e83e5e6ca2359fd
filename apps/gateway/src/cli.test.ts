import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from './cli';
import type { CommandIo } from './commands/output';

const dir = mkdtempSync(join(tmpdir(), 'botgate-cli-'));
const DEMO = resolve(__dirname, '../../../scenarios/demo.yaml');

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const captured: CommandIo = { out: (l) => out.push(l), err: (l) => err.push(l), env };
  return { captured, out, err };
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const noExit = () => {
  throw new Error('exit must not be called');
};

describe('botgate CLI', () => {
  it('prints usage for --help (exit 0) and for no or unknown commands (exit 2)', async () => {
    const help = io();
    expect(await runCli(['--help'], help.captured, noExit)).toBe(0);
    expect(help.out.join('\n')).toMatch(/botgate <command>[\s\S]*check-config[\s\S]*dlq replay/);
    expect(await runCli([], io().captured, noExit)).toBe(2);
    const unknown = io();
    expect(await runCli(['launch'], unknown.captured, noExit)).toBe(2);
    expect(unknown.err[0]).toBe('unknown command "launch"');
    expect(await runCli(['start', '--colour'], io().captured, noExit)).toBe(2);
    expect(await runCli(['start', '--role', 'boss'], io().captured, noExit)).toBe(2);
  });

  it('check-config accepts a good config and its scenarios (exit 0)', async () => {
    const file = write('good.yaml', `bots: [{ type: scenario, file: ${JSON.stringify(DEMO)} }]\nchannels: { api: { enabled: true, tokens: [{ name: web, token: "\${TOKEN}" }] } }\n`);
    const run = io({ TOKEN: 'a-token-of-sixteen-chars' });
    expect(await runCli(['check-config', '--config', file], run.captured, noExit)).toBe(0);
    expect(run.out).toEqual([`configuration OK (${file})`, '  role all, storage memory, port 8080', '  bots: demo', '  channels: api']);
  });

  it('check-config accepts config/botgate.example.yaml as shipped', async () => {
    const run = io();
    const example = resolve(__dirname, '../../../config/botgate.example.yaml');
    expect(await runCli(['check-config', '--config', example], run.captured, noExit)).toBe(0);
    expect(run.out).toContain('  channels: api, iadvize, acme-livechat');
  });

  it('check-config lists every config error as path: reason (exit 1)', async () => {
    const file = write('bad.yaml', 'server: { port: -1 }\nrole: boss\nbots: []\n');
    const run = io();
    expect(await runCli(['check-config', '-c', file], run.captured, noExit)).toBe(1);
    expect(run.err).toEqual([
      `invalid configuration (${file}):`,
      '  server.port: must be >= 0',
      '  role: must be one of api, worker, all',
      '  bots: must NOT have fewer than 1 items',
    ]);
  });

  it('check-config reports broken scenario files and dangling bot references', async () => {
    const scenario = write('broken-scenario.yaml', 'id: broken\nsteps: nope\n');
    const run = io();
    expect(await runCli(['check-config', '--config', write('s.yaml', `bots: [{ type: scenario, file: ${scenario} }]\n`)], run.captured, noExit)).toBe(1);
    expect(run.err.slice(1).join('\n')).toContain('broken-scenario.yaml');
    const dangling = io();
    const file = write('d.yaml', `bots: [{ type: scenario, file: ${JSON.stringify(DEMO)} }]\nchannels: { api: { enabled: true, botId: ghost, tokens: [{ name: w, token: 0123456789abcdef0 }] } }\n`);
    expect(await runCli(['check-config', '--config', file], dangling.captured, noExit)).toBe(1);
    expect(dangling.err).toContain('  channels.api.botId: no bot with id ghost');
  });

  it('dlq refuses without Redis, and needs an id or --all to replay', async () => {
    const file = write('mem.yaml', `bots: [{ type: scenario, file: ${JSON.stringify(DEMO)} }]\n`);
    const list = io();
    expect(await runCli(['dlq', 'list', '--config', file], list.captured, noExit)).toBe(1);
    expect(list.err[0]).toMatch(/no Redis configured/);
    expect(await runCli(['dlq', 'purge'], io().captured, noExit)).toBe(2);
    const replay = io({ REDIS_URL: process.env.BOTGATE_TEST_REDIS_URL });
    expect(await runCli(['dlq', 'replay', '--config', file], replay.captured, noExit)).toBe(2);
  });

  it('dlq lists and replays against Redis', async () => {
    const file = write('redis.yaml', `redis: { prefix: cli-dlq-${process.pid} }\nbots: [{ type: scenario, file: ${JSON.stringify(DEMO)} }]\n`);
    const env = { REDIS_URL: process.env.BOTGATE_TEST_REDIS_URL };
    const list = io(env);
    expect(await runCli(['dlq', 'list', '--config', file], list.captured, noExit)).toBe(0);
    expect(list.out).toEqual(['the dead-letter queue is empty']);
    const replay = io(env);
    expect(await runCli(['dlq', 'replay', 'no-such-letter', '--config', file], replay.captured, noExit)).toBe(1);
    expect(replay.err).toEqual(['no dead letter no-such-letter']);
  });

  it('simulate names the simulators it knows', async () => {
    const run = io();
    expect(await runCli(['simulate', 'genesys'], run.captured, noExit)).toBe(2);
    expect(run.err[0]).toMatch(/use iadvize or imiconnect/);
    expect(await runCli(['simulate', 'imiconnect'], io().captured, noExit)).toBeGreaterThan(0);
  });
});
