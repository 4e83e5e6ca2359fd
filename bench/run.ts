import { parseArgs } from 'node:util';
import { iadvizeSuite } from './iadvize';
import { imiconnectSuite } from './imiconnect';
import { redisMemorySuite } from './redis-memory';
import { schedulerSuite } from './scheduler';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, nodeFlagsOf, useCompiledGateway } from './lib/processes';
import { machine, Report } from './lib/report';
import type { Suite } from './lib/suite';
import { runMain } from './lib/main';

// `npm run bench [-- --only <suite>[,<suite>]] [--quick] [--cpu-prof] [--node-flags="<flags>"]`: each figure against a
// baseline measured in the same run, printed and written to bench/results/<time>.json.

const SUITES: Suite[] = [iadvizeSuite, imiconnectSuite, schedulerSuite, redisMemorySuite];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      // Extra node/V8 flags for the gateway, after its own (GATEWAY_NODE_FLAGS): how a flag was tried.
      'node-flags': { type: 'string', default: '' },
      src: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`usage: npm run bench -- [--only ${SUITES.map((s) => s.name).join('|')}] [--quick] [--cpu-prof] [--node-flags="<flags>"] [--src]\n`);
    for (const suite of SUITES) process.stdout.write(`  ${suite.name.padEnd(12)} ${suite.description}\n`);
    return 0;
  }
  const wanted = values.only ? values.only.split(',').map((s) => s.trim()) : SUITES.map((s) => s.name);
  const unknown = wanted.filter((name) => !SUITES.some((s) => s.name === name));
  if (unknown.length) {
    process.stderr.write(`unknown suite(s): ${unknown.join(', ')}; known: ${SUITES.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  // The gateway runs as production does (compiled, plain node) unless --src: build it first
  // (incremental, seconds when up to date).
  if (!values.src) execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  useCompiledGateway(!values.src);
  const report = new Report();
  const m = machine();
  report.log(`gateway: ${values.src ? 'sources under tsx (node --conditions=botgate-src --import tsx apps/gateway/src/cli.ts start)' : 'compiled build (node apps/gateway/dist/cli.js start, as the Dockerfile runs it)'}; baseline: bench/servers/bare-express.ts under tsx`);
  report.log(`botgate bench ${values.quick ? '(quick: smoke-test durations, not publishable) ' : ''}— ${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}`);
  const gatewayNodeFlags = [
    ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', 'bench/results/profiles'] : []),
    ...nodeFlagsOf(values['node-flags']),
  ];
  if (gatewayNodeFlags.length) report.log(`gateway extra node flags: ${gatewayNodeFlags.join(' ')}`);
  const failed: string[] = [];
  for (const suite of SUITES.filter((s) => wanted.includes(s.name))) {
    report.log(`\n== ${suite.name}: ${suite.description}`);
    try {
      await suite.run({ report, quick: values.quick ?? false, gatewayNodeFlags });
    } catch (error) {
      failed.push(suite.name);
      report.log(`suite ${suite.name} failed: ${(error as Error).stack ?? String(error)}`);
    }
  }
  const file = report.write({ quick: values.quick, only: wanted, failedSuites: failed, log: report.lines });
  const misses = report.figures.filter((f) => f.pass === false);
  report.log(`\n${report.figures.length} figures, ${misses.length} missing their target${misses.length ? `: ${misses.map((f) => `${f.suite}/${f.name}`).join(', ')}` : ''}`);
  report.log(`results: ${file}`);
  return failed.length ? 1 : 0;
}

runMain('bench', main);
