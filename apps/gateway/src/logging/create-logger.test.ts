import { PassThrough } from 'node:stream';
import { createLogger } from './create-logger';

function capture(level = 'debug') {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger(level, { stream });
  const lines = async (): Promise<Array<Record<string, unknown>>> => {
    await new Promise((resolve) => setImmediate(resolve));
    return chunks.join('').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  return { logger, lines, raw: () => chunks.join('') };
}

const SECRET = 's3cr3t-value-that-must-never-leak';

describe('createLogger', () => {
  it('writes JSON lines with level, message, timestamp and meta', async () => {
    const { logger, lines } = capture();
    logger.info('conversation opened', { conversationId: 'c-1', vendor: 'api' });
    const [line] = await lines();
    expect(line).toMatchObject({ level: 'info', message: 'conversation opened', conversationId: 'c-1', vendor: 'api' });
    expect(typeof line.timestamp).toBe('string');
  });

  it('child loggers carry their fields on every line', async () => {
    const { logger, lines } = capture();
    const child = logger.child({ conversationId: 'c-2' }).child({ connector: 'iadvize' });
    child.warn('slow turn', { ms: 1200 });
    expect((await lines())[0]).toMatchObject({ conversationId: 'c-2', connector: 'iadvize', ms: 1200, level: 'warn' });
  });

  it('respects the level', async () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.debug('hidden too');
    logger.error('shown');
    expect((await lines()).map((l) => l.message)).toEqual(['shown']);
  });

  it('never writes a secret, at any depth, in any sensitive key, or as a bearer token in a string', async () => {
    const { logger, raw, lines } = capture();
    logger.child({ apiKey: SECRET }).info(`calling with Authorization: Bearer ${SECRET}`, {
      secret: SECRET,
      config: { bots: [{ id: 'shop', webhookSecret: SECRET }], redis: { password: SECRET } },
      headers: { authorization: `Bearer ${SECRET}`, Cookie: `sid=${SECRET}`, 'x-iadvize-signature': SECRET },
      accessToken: SECRET,
      error: new Error(`upstream said: bearer ${SECRET}`),
      list: [`Bearer ${SECRET}`],
    });
    const [line] = await lines();
    expect(raw()).not.toContain(SECRET);
    expect(line.secret).toBe('[redacted]');
    expect(line.apiKey).toBe('[redacted]');
    expect(line.config).toEqual({ bots: [{ id: 'shop', webhookSecret: '[redacted]' }], redis: { password: '[redacted]' } });
    expect(line.message).toBe('calling with Authorization: Bearer [redacted]');
    expect(line.error).toMatchObject({ name: 'Error', message: 'upstream said: bearer [redacted]' });
  });

  it('copes with circular meta and leaves the caller’s objects untouched', async () => {
    const { logger, lines } = capture();
    const meta: Record<string, unknown> = { token: SECRET, name: 'loop' };
    meta.self = meta;
    logger.info('circular', meta);
    // winston copies the top level into its own object, so the loop shows one level down.
    expect((await lines())[0]).toMatchObject({ token: '[redacted]', name: 'loop', self: { self: '[circular]' } });
    expect(meta.token).toBe(SECRET);
  });
});
