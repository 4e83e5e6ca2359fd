// Every credential the reliability suite configures. Each gateway process gets them through its
// environment (as production would) and every line it writes is scanned for each of them.

export const SECRETS = {
  API_TOKEN: 'rel-api-token-6f1c2b9e4d8a7f30',
  API_TOKEN_OTHER: 'rel-api-token-other-0a9b8c7d6e5f4321',
  IADVIZE_SECRET: 'rel-iadvize-secret-3e5d7c9b1a2f4e6d',
  IADVIZE_PASSWORD: 'rel-iadvize-graphql-password-77aa',
  IMI_TOKEN: 'rel-imi-verification-token-5b4a3c2d',
  IMI_HUB_SECRET: 'rel-imi-hub-secret-9f8e7d6c5b4a',
  AIVO_BOT_TOKEN: 'rel-aivo-bot-token-1234abcd5678ef',
  AIVO_WEBHOOK_SECRET: 'rel-aivo-webhook-secret-c0ffee1234',
  AIVO_HASH_SECRET: 'rel-aivo-hash-secret-deadbeef9876',
  BOT_SECRET: 'rel-webhook-bot-secret-0123456789ab',
  ADMIN_PASSWORD: 'rel-admin-password-5e6f7a8b9c0d',
  ADMIN_SESSION_SECRET: 'rel-admin-session-secret-0f1e2d3c4b5a69788796a5b4',
  METRICS_TOKEN: 'rel-metrics-bearer-token-a1b2c3d4e5',
} as const;

export type SecretName = keyof typeof SECRETS;

/** Lines of `output` that contain a configured secret, with the secret's name (never its value). */
export function secretLeaks(output: string): Array<{ secret: SecretName; line: string }> {
  const leaks: Array<{ secret: SecretName; line: string }> = [];
  for (const line of output.split('\n')) {
    for (const [name, value] of Object.entries(SECRETS) as Array<[SecretName, string]>) {
      if (line.includes(value)) leaks.push({ secret: name, line: line.replaceAll(value, `<${name}>`) });
    }
  }
  return leaks;
}
