import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

// Browser tests drive Debian's chromium through playwright-core (no downloaded browsers, no
// `npx playwright install`). Like the redis-server harness, it installs the Debian package when
// it is missing and it may (root with apt-get, as on CI), and otherwise says what to do.

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = resolve(__dirname, '../../.test-artifacts/screenshots');

export function ensureChromiumInstalled(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (isRoot && hasApt) {
    process.stderr.write('[botgate test harness] chromium is missing: installing Debian package chromium\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    if (install.status === 0 && existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  }
  throw new Error(
    `chromium is not installed at ${CHROMIUM_PATH} and could not be installed automatically. ` +
      'Install it (Debian/Ubuntu: `sudo apt-get install chromium`) and run the tests again. ' +
      'The browser tests use the system chromium through playwright-core; they never download a browser.',
  );
}

export interface LaunchedChromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/**
 * Headless chromium with a fresh profile and nothing that calls home. The profile is the
 * persistent context's directory: playwright passes it as --user-data-dir (it refuses the flag
 * in `args`).
 */
export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<LaunchedChromium> {
  const executablePath = ensureChromiumInstalled();
  const profile = mkdtempSync(join(tmpdir(), 'botgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    viewport: options.viewport ?? { width: 1366, height: 800 },
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where a screenshot goes (the directory is gitignored via .test-artifacts/). */
export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name}.png`);
}
