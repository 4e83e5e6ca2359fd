import { PermanentDeliveryError, RateLimitedError, TransientDeliveryError } from '@botgate/core';
import { AivoClient, buildAivoQueueBody, resolveAivoDesk, type AivoSession } from '@botgate/aivo';
import { AivoLiveSimulator } from '../../packages/testkit/src/aivo';

// The Aivo client against the simulator: every HTTP answer maps to the core delivery error
// that makes the outbox do the right thing (pause, dead-letter, retry).

describe('AivoClient against the Aivo Live simulator', () => {
  let sim: AivoLiveSimulator;
  let client: AivoClient;
  const conversation = { channel: { vendor: 'web', connector: 'web', tenant: 'acme', externalId: 'x', userId: 'u' }, variables: {} };

  beforeEach(async () => {
    sim = await AivoLiveSimulator.start();
    const desk = resolveAivoDesk({
      id: 'd',
      botId: 1,
      botToken: 'bt',
      groups: [1],
      hashSecret: 'hash-secret-0123456789',
      baseUrls: { liveHandler: sim.liveHandlerUrl, publicApi: sim.publicApiUrl },
      receive: { transport: 'polling' },
      timeoutMs: 200,
    });
    client = new AivoClient(desk, { now: () => Date.parse('2025-01-01T00:00:00Z') });
    queueBody = buildAivoQueueBody(desk, conversation, [1]);
  });
  afterEach(async () => {
    client.dispose();
    await sim.close();
  });
  let queueBody: ReturnType<typeof buildAivoQueueBody>;

  async function queued(): Promise<AivoSession> {
    const { conversationId, customToken } = await client.queue(queueBody);
    return { conversationId, customToken };
  }

  it('2xx: queue, client message, poll, close and group list succeed with the documented shapes', async () => {
    const session = await queued();
    expect(sim.requests.items[0]).toEqual({ method: 'POST', path: '/api/v1/live-handler/queue/external', status: 200 });
    await client.sendClientMessage(session, { message: [{ action: 'text', value: 'hi', source: 'user' }] });
    expect(sim.messagesOf(session.conversationId)).toEqual([{ action: 'text', value: 'hi', source: 'user' }]);
    await sim.agent(session.conversationId).say('hello');
    const polled = await client.fetchEvents(session, { method: 'GET', path: '/{conversationId}/messages' }, undefined);
    expect(polled.events).toHaveLength(1);
    await client.closeConversation(session, 'done');
    expect(sim.closes.items).toEqual([{ conversationId: session.conversationId, body: { reason: 'done', source: 'user' } }]);
    expect(await client.listGroups()).toEqual([1, 2, 3]);
  });

  it('429 → RateLimitedError with Retry-After in ms (seconds or HTTP date)', async () => {
    sim.rateLimitNext(1, 7);
    await expect(client.queue(queueBody)).rejects.toEqual(expect.objectContaining({ retryAfterMs: 7000 }));
    sim.rateLimitNext(1, 'Wed, 01 Jan 2025 00:00:03 GMT');
    const error = await client.queue(queueBody).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(3000);
  });

  it('5xx and 408 → TransientDeliveryError (retried)', async () => {
    for (const status of [500, 502, 503, 408]) {
      sim.failNext(1, status);
      const error = await client.queue(queueBody).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientDeliveryError);
      expect((error as TransientDeliveryError).httpStatus).toBe(status);
    }
  });

  it('4xx → PermanentDeliveryError (dead-lettered): a body Aivo refuses, a wrong customToken', async () => {
    const refused = await client.queue({ ...queueBody, protocolId: 27 as 28 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermanentDeliveryError);
    expect((refused as PermanentDeliveryError).httpStatus).toBe(400);
    const session = await queued();
    const forged = await client.sendClientMessage({ ...session, customToken: 'forged' }, { message: [{ action: 'text', value: 'x', source: 'user' }] }).catch((e: unknown) => e);
    expect(forged).toBeInstanceOf(PermanentDeliveryError);
    expect((forged as PermanentDeliveryError).httpStatus).toBe(401);
  });

  it('a slow Aivo (timeout) and an unreachable one → TransientDeliveryError', async () => {
    sim.slow(500);
    await expect(client.queue(queueBody)).rejects.toThrow(TransientDeliveryError);
    sim.slow(0);
    await sim.close();
    await expect(client.queue(queueBody)).rejects.toThrow(/unreachable/);
    sim = await AivoLiveSimulator.start(); // afterEach closes it
  });

  it('close of a conversation Aivo no longer knows is done, not an error', async () => {
    await expect(client.closeConversation({ conversationId: 'gone', customToken: 't' }, 'bye')).resolves.toBeUndefined();
  });
});
