import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { PermanentDeliveryError, type ChannelConnector } from '@botgate/core';
import { createGateway, createSilentLogger, loadConfig, type Gateway } from '@botgate/gateway';
import { launchChromium, screenshotPath, type LaunchedChromium } from '../support/chromium';
import { API_TOKEN, ApiVisitor, texts } from './api-harness';

// The ops dashboard in a real browser (Debian's chromium via playwright-core) against the real
// gateway on Redis: log in, find a conversation and its timeline, replay dead letters through
// the CSRF-protected form, read vendor health, open bull-board. Screenshots go to
// .test-artifacts/screenshots/.

const DEMO_SCENARIO = resolve(__dirname, '../../scenarios/demo.yaml');
const ADMIN_PASSWORD = `pw-${randomUUID()}`;

async function startGateway(): Promise<{ gateway: Gateway; baseUrl: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'botgate-e2e-admin-')), 'botgate.yaml');
  writeFileSync(
    file,
    [
      'server: { port: 0, host: 127.0.0.1 }',
      `redis: { url: "\${REDIS_URL}", prefix: e2e-admin-${randomUUID().slice(0, 8)} }`,
      'role: all',
      `bots: [{ type: scenario, file: ${JSON.stringify(DEMO_SCENARIO)} }]`,
      'channels: { api: { enabled: true, tokens: [{ name: e2e, token: "${API_TOKEN}" }] } }',
      'admin: { users: [{ name: ops, password: "${ADMIN_PASSWORD}" }], sessionSecret: "${ADMIN_SECRET}", refreshSeconds: 1 }',
    ].join('\n'),
  );
  const env = { REDIS_URL: process.env.BOTGATE_TEST_REDIS_URL ?? '', API_TOKEN, ADMIN_PASSWORD, ADMIN_SECRET: randomUUID() + randomUUID() };
  const gateway = await createGateway(loadConfig({ file, env }).config, { logger: createSilentLogger() });
  const address = await gateway.start();
  return { gateway, baseUrl: `http://127.0.0.1:${address.port}` };
}

/** The API channel's connector, made to refuse deliveries while `down` (a vendor outage). */
function makeFlaky(gateway: Gateway): { setDown(down: boolean): void } {
  const real = gateway.parts.connectors.get('api') as ChannelConnector;
  let down = false;
  const flaky: ChannelConnector = {
    name: real.name,
    capabilities: (conversation, mode) => real.capabilities(conversation, mode),
    deliver: (delivery, conversation) => (down ? Promise.reject(new PermanentDeliveryError('vendor down (test)')) : real.deliver(delivery, conversation)),
  };
  gateway.parts.connectors.set('api', flaky);
  return { setDown: (value) => (down = value) };
}

async function waitForDeadLetters(gateway: Gateway, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await gateway.parts.storage.queue.deadLetters()).length < count) {
    if (Date.now() > deadline) throw new Error('no dead letter appeared');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
}

describe('admin dashboard in chromium', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let chromium: LaunchedChromium;
  let page: Page;

  beforeAll(async () => {
    if (!process.env.BOTGATE_TEST_REDIS_URL) throw new Error('BOTGATE_TEST_REDIS_URL is not set');
    ({ gateway, baseUrl } = await startGateway());
    chromium = await launchChromium();
    page = chromium.context.pages()[0] ?? (await chromium.context.newPage());
    page.on('dialog', (dialog) => void dialog.accept());
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await gateway?.stop();
  });

  const visitor = () => new ApiVisitor(baseUrl);
  let talker: ApiVisitor;

  it('logs in through the form and lands on the page asked for', async () => {
    await page.goto(`${baseUrl}/admin/conversations`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('input[name=username]', 'ops');
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    await page.getByText('Wrong user name or password.').waitFor();
    await page.fill('input[name=username]', 'ops');
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${baseUrl}/admin/conversations`);
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
  });

  it('shows conversations as they arrive (auto-refresh) and searches them', async () => {
    talker = visitor();
    await talker.open();
    await talker.untilType('quickReplies');
    // No navigation: the page refreshes itself every second.
    await page.locator(`a[href="/admin/conversations/${talker.conversationId}"]`).waitFor();
    await shoot(page, 'admin-conversations');
    await page.fill('input[name=q]', talker.conversationId);
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/q=/);
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.selectOption('select[name=state]', 'closed');
    await page.click('form.filters button[type=submit]');
    await page.getByText('No conversations match.').waitFor();
  });

  it('opens a timeline with inbound and outbound events and their delivery status', async () => {
    await page.goto(`${baseUrl}/admin/conversations?q=e2e-visitor`);
    await page.click(`a[href="/admin/conversations/${talker.conversationId}"]`);
    await page.getByRole('heading', { name: /Timeline/ }).waitFor();
    expect(await page.locator('ol.timeline li.kind-inbound').count()).toBeGreaterThan(0);
    expect(await page.locator('ol.timeline li.kind-outbound').count()).toBeGreaterThan(0);
    await page.locator('ol.timeline .badge-sent').first().waitFor();
    await shoot(page, 'admin-timeline');
  });

  it('lists dead letters and replays them through the CSRF-protected form', async () => {
    const outage = makeFlaky(gateway);
    outage.setDown(true);
    await talker.pick('track');
    await waitForDeadLetters(gateway, 1);
    outage.setDown(false);

    await page.goto(`${baseUrl}/admin/dead-letters`);
    await page.getByText('vendor down (test)').first().waitFor();
    await shoot(page, 'admin-dead-letters');
    await page.click('button:has-text("Replay all")'); // confirm() is accepted by the dialog handler
    await page.getByText(/dead letter\(s\) replayed\./).waitFor();
    await page.getByText('The dead-letter queue is empty.').waitFor();
    // What was dead-lettered reaches the visitor after the replay, in order.
    expect(texts(await talker.until((actions) => texts(actions).some((t) => t.includes('email address'))))).toEqual(
      expect.arrayContaining([expect.stringContaining('email address')]),
    );

    // The same action without the token, as a forged cross-site form would send it: refused.
    const forged = await page.evaluate(async () => (await fetch('/admin/api/dead-letters/replay-all', { method: 'POST' })).status);
    expect(forged).toBe(403);
  });

  it('shows vendor health: breaker state and delivery counts per connector', async () => {
    await page.goto(`${baseUrl}/admin/health`);
    const card = page.locator('.target[data-target="api"]');
    await card.waitFor();
    expect(await card.textContent()).toContain('closed');
    expect(await card.textContent()).toMatch(/sent: \d+/);
    expect(await card.textContent()).toMatch(/dead_lettered: \d+/);
    await shoot(page, 'admin-health');
  });

  it('opens bull-board for the BullMQ queues; its actions carry the CSRF token', async () => {
    await page.goto(`${baseUrl}/admin/queues`);
    await page.getByText('inbox', { exact: true }).first().waitFor({ timeout: 15_000 });
    await shoot(page, 'admin-queues');
    const statuses = await page.evaluate(async () => {
      // Runs in the page (no DOM types in this tsconfig): read the cookie bull-board's axios reads.
      const cookies = (globalThis as unknown as { document: { cookie: string } }).document.cookie;
      const token = decodeURIComponent(/(?:^|; )XSRF-TOKEN=([^;]+)/.exec(cookies)?.[1] ?? '');
      const url = '/admin/queues/api/queues/inbox/clean/completed';
      const without = (await fetch(url, { method: 'PUT' })).status;
      const withToken = (await fetch(url, { method: 'PUT', headers: { 'X-XSRF-TOKEN': token } })).status;
      return { without, withToken };
    });
    expect(statuses).toEqual({ without: 403, withToken: 200 });
  });
});
