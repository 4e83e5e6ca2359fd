import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

// What `botgate start` runs with no config file at all: a local demo that needs nothing but
// Node. Memory driver (no redis.url), the demo scenario, the canonical API channel with a token
// made up at start (and logged), and iAdvize accepting unsigned calls so a simulator can talk
// to it without a secret. Never a production setup, and the start-up log says so.

/** The repo's demo scenario; this file sits at apps/gateway/{src,dist}/config/. */
export const DEMO_SCENARIO_FILE = resolve(__dirname, '../../../../scenarios/demo.yaml');

export function embeddedDefaultConfig(): { raw: Record<string, unknown>; demoToken: string; demoAdminPassword: string } {
  const demoToken = `demo-${randomBytes(16).toString('hex')}`;
  // The dashboard too gets a password made up at start (logged once): never a default credential.
  const demoAdminPassword = randomBytes(12).toString('base64url');
  return {
    demoToken,
    demoAdminPassword,
    raw: {
      bots: [{ type: 'scenario', file: DEMO_SCENARIO_FILE }],
      channels: {
        api: { enabled: true, tokens: [{ name: 'demo', token: demoToken }] },
        iadvize: { enabled: true, allowUnsigned: true },
      },
      admin: { users: [{ name: 'admin', password: demoAdminPassword }], sessionSecret: randomBytes(32).toString('hex') },
    },
  };
}
