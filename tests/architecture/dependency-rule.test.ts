import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

// design.md §2: apps → vendor packages → core; redis → core; nothing imports apps; core imports
// nothing of ours, and no vendor SDK, Redis client or web framework. This test reads every
// import in the tree and fails on the first one that crosses the rule.

const repoRoot = join(__dirname, '..', '..');

const allowed: Record<string, string[]> = {
  core: [],
  redis: ['core'],
  bots: ['core'],
  iadvize: ['core'],
  imiconnect: ['core'],
  aivo: ['core'],
  testkit: ['core'],
  gateway: ['core', 'redis', 'bots', 'iadvize', 'imiconnect', 'aivo', 'testkit'],
};

const forbiddenInCore = ['ioredis', 'bullmq', 'express', 'axios', 'winston', 'helmet', 'prom-client'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
  return specifiers;
}

function packageOf(root: string, file: string): string | null {
  const rel = relative(root, file).split('/');
  if (rel[0] === 'packages' || rel[0] === 'apps') return rel[1];
  return null;
}

function violations(root: string): string[] {
  const found: string[] = [];
  const dirs = [...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p)), join(root, 'apps', 'gateway')];
  for (const dir of dirs) {
    if (!existsSync(join(dir, 'src'))) continue;
    for (const file of sourceFiles(join(dir, 'src'))) {
      const from = packageOf(root, file);
      if (!from || !(from in allowed)) continue;
      for (const spec of importsOf(file)) {
        const ours = /^@botgate\/([a-z-]+)/.exec(spec)?.[1];
        if (ours && ours !== from && !allowed[from].includes(ours)) found.push(`${relative(root, file)} imports @botgate/${ours}`);
        if (spec.startsWith('.') && /\/(packages|apps)\//.test(join(file, '..', spec)) && packageOf(root, join(file, '..', spec)) !== from) {
          found.push(`${relative(root, file)} reaches into another package with ${spec}`);
        }
        if (from === 'core' && forbiddenInCore.some((name) => spec === name || spec.startsWith(`${name}/`))) {
          found.push(`${relative(root, file)} (core) imports ${spec}`);
        }
      }
    }
  }
  return found;
}

describe('dependency rule (design.md §2)', () => {
  it('no import crosses the package rule', () => {
    expect(violations(repoRoot)).toEqual([]);
  });

  it('catches core importing a driver, Redis or express, and a vendor package importing the app', () => {
    const fixture = mkdtempSync(join(tmpdir(), 'botgate-deps-'));
    const write = (path: string, text: string) => {
      mkdirSync(join(fixture, path, '..'), { recursive: true });
      writeFileSync(join(fixture, path), text);
    };
    write('packages/core/src/bad.ts', "import { createRedisDriver } from '@botgate/redis';\nimport Redis from 'ioredis';\nimport express from 'express';\n");
    write('packages/iadvize/src/bad.ts', "import { start } from '@botgate/gateway';\n");
    write('apps/gateway/src/ok.ts', "import { createRouter } from '@botgate/core';\n");
    expect(violations(fixture).sort()).toEqual([
      'packages/core/src/bad.ts (core) imports express',
      'packages/core/src/bad.ts (core) imports ioredis',
      'packages/core/src/bad.ts imports @botgate/redis',
      'packages/iadvize/src/bad.ts imports @botgate/gateway',
    ]);
  });
});
