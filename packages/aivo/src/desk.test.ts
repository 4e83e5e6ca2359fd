import { PermanentDeliveryError, type Conversation, type InboundEvent } from '@botgate/core';
import { AivoStub, FakeDeskRouter, MemoryRecords, deskConfig } from './__tests__/fakes';
import { createAivoDesks, type AivoDesks } from './index';
import type { AivoDesk } from './desk';
import { AivoSessions } from './sessions';

describe('AivoDesk against an Aivo stand-in', () => {
  let stub: AivoStub;
  let records: MemoryRecords;
  let aivo: AivoDesks;
  let desk: AivoDesk;
  let sessions: AivoSessions;
  let queued = 0;

  beforeAll(async () => {
    stub = await AivoStub.start();
  });
  afterAll(() => stub.close());

  beforeEach(() => {
    stub.calls.length = 0;
    stub.handler = (call, res) => {
      if (call.path.endsWith('/queue/external')) return void res.json({ conversationId: `aivo-${++queued}`, customToken: 'custom-token-xyz', messageQueueId: 77, somethingNew: true });
      res.json({ ok: true });
    };
    records = new MemoryRecords();
    aivo = createAivoDesks([deskConfig({ baseUrls: { liveHandler: `${stub.url}/lh`, publicApi: `${stub.url}/pub` } })], { router: new FakeDeskRouter(), records });
    desk = aivo.desks.get('aivo-main') as AivoDesk;
    sessions = new AivoSessions(records, 'aivo-main', 60_000);
  });
  afterEach(() => aivo.close());

  function pending(queue?: string): Conversation {
    const conversation = new FakeDeskRouter().hold('aivo-main', 'x', 'conv-1');
    delete conversation.handoff!.deskRef;
    delete conversation.handoff!.deskData;
    if (queue) conversation.handoff!.target.queue = queue;
    conversation.variables = { firstname: 'Jane', email: 'jane@example.com', orderNumber: 'A-1' };
    return conversation;
  }

  const visitor = (content: InboundEvent['content']): InboundEvent => ({
    id: 'e1',
    channel: pending().channel,
    type: 'message',
    author: 'visitor',
    content,
    at: new Date().toISOString(),
  });

  it('open queues the documented body and returns the conversationId as deskRef, the customToken as deskData', async () => {
    const result = await desk.open(pending());
    expect(result).toEqual({ deskRef: `aivo-${queued}`, deskData: { customToken: 'custom-token-xyz', messageQueueId: 77 } });
    const [call] = stub.calls;
    expect(call).toMatchObject({ method: 'POST', path: '/lh/queue/external' });
    expect(call.body).toMatchObject({ botId: 42, groupsId: [7], botToken: 'bot-token-1', protocolId: 28, status: 'queued', lastSender: 'user' });
    expect(call.body).toMatchObject({ user: { firstname: 'Jane', email: 'jane@example.com', extra: { email: 'jane@example.com', orderNumber: 'A-1' } } });
    expect(await sessions.get('conv-1')).toMatchObject({ aivoConversationId: `aivo-${queued}`, customToken: 'custom-token-xyz', messageQueueId: 77 });
  });

  it('queues to the groups the handover names, and refuses a queue that is not group ids', async () => {
    await desk.open(pending('12,13'));
    expect(stub.calls[0].body).toMatchObject({ groupsId: [12, 13] });
    await expect(desk.open(pending('sales team'))).rejects.toThrow(PermanentDeliveryError);
  });

  it('refuses for good a queue answer without ids (queueing again could queue the visitor twice)', async () => {
    stub.handler = (_call, res) => void res.json({ ok: true });
    await expect(desk.open(pending())).rejects.toThrow(PermanentDeliveryError);
  });

  it('relays text, images and files with the customToken, degrading rich content to text', async () => {
    const conversation = pending();
    const { deskRef } = await desk.open(conversation);
    await desk.relay(conversation, visitor({ type: 'text', text: 'my order is late' }));
    await desk.relay(conversation, visitor({ type: 'file', url: 'https://x.test/p.png', name: 'p.png', mimeType: 'image/png' }));
    await desk.relay(conversation, visitor({ type: 'file', url: 'https://x.test/i.pdf', name: 'i.pdf', mimeType: 'application/pdf' }));
    await desk.relay(conversation, visitor({ type: 'quickReplies', text: 'Pick', replies: [{ label: 'A' }] }));
    const relays = stub.calls.slice(1);
    expect(relays.map((c) => c.path)).toEqual(Array(4).fill(`/lh/${deskRef}/client/message`));
    expect(relays.map((c) => c.body)).toEqual([
      { message: [{ action: 'text', value: 'my order is late', source: 'user' }] },
      { message: [{ action: 'image', value: 'https://x.test/p.png', source: 'user' }] },
      { message: [{ action: 'file', value: 'https://x.test/i.pdf', source: 'user' }] },
      { message: [{ action: 'text', value: 'Pick\n1. A', source: 'user' }] },
    ]);
    expect(relays[0].headers).toMatchObject({ 'x-token': 'custom-token-xyz', authorization: 'Bearer custom-token-xyz' });
  });

  it('dead-letters a relay for a conversation it never opened', async () => {
    await expect(desk.relay(pending(), visitor({ type: 'text', text: 'hi' }))).rejects.toThrow(PermanentDeliveryError);
  });

  it('closes through the configured call, even after the core dropped the handoff, and only once', async () => {
    const conversation = pending();
    const { deskRef } = await desk.open(conversation);
    const releasedToBot = { ...conversation, state: 'bot' as const, handoff: undefined };
    await desk.close(releasedToBot, 'handover timeout');
    expect(stub.calls[1]).toMatchObject({ method: 'POST', path: `/lh/${deskRef}/close`, body: { reason: 'handover timeout', source: 'user' } });
    await desk.close(releasedToBot, 'again');
    expect(stub.calls).toHaveLength(2);
  });

  it('closes from the handoff when its own record is gone, and takes 404 as closed already', async () => {
    const conversation = new FakeDeskRouter().hold('aivo-main', 'aivo-old', 'conv-9', 'agent');
    stub.handler = (_call, res) => void res.status(404).json({});
    await expect(desk.close(conversation, 'visitor left')).resolves.toBeUndefined();
    expect(stub.calls[0]).toMatchObject({ path: '/lh/aivo-old/close', headers: expect.objectContaining({ 'x-token': 'tok' }) });
  });

  it('uses a configured close endpoint (method, absolute template)', async () => {
    const custom = createAivoDesks([deskConfig({ baseUrls: { liveHandler: `${stub.url}/lh` }, closeEndpoint: { method: 'DELETE', path: `${stub.url}/other/{conversationId}` } })], {
      router: new FakeDeskRouter(),
      records: new MemoryRecords(),
    });
    const conversation = new FakeDeskRouter().hold('aivo-main', 'a b', 'conv-3', 'agent');
    await custom.desks.get('aivo-main')!.close(conversation, 'bye');
    expect(stub.calls[0]).toMatchObject({ method: 'DELETE', path: '/other/a%20b' });
    await custom.close();
  });

  it('validateGroups warns about unknown groups and an unreachable API, never throws', async () => {
    stub.handler = (_call, res) => void res.json({ data: [{ id: 1 }, { id: '7' }] });
    expect(await aivo.validateGroups()).toEqual([{ desk: 'aivo-main', status: 'ok' }]);
    stub.handler = (_call, res) => void res.json([{ id: 1 }]);
    expect(await aivo.validateGroups()).toEqual([{ desk: 'aivo-main', status: 'unknown', unknownGroups: [7] }]);
    stub.handler = (_call, res) => void res.status(500).json({});
    expect(await aivo.validateGroups()).toEqual([{ desk: 'aivo-main', status: 'unavailable' }]);
    expect(stub.calls.at(-1)).toMatchObject({ method: 'GET', path: '/pub/group' });
  });
});
