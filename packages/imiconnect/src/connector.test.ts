import { PermanentDeliveryError, TransientDeliveryError, type Conversation, type Delivery } from '@botgate/core';
import { integration, MemoryRecords } from './__tests__/fakes';
import type { ImiconnectPostResult } from './client';
import { ImiconnectConnector, type ImiconnectPoster } from './connector';
import { HANDOVER_NAMESPACE, RECEIPT_NAMESPACE, handoverKey, receiptKey } from './records';
import type { ImiconnectOutboundPayload } from './schemas';

class RecordingPoster implements ImiconnectPoster {
  readonly posted: ImiconnectOutboundPayload[] = [];
  next: Array<ImiconnectPostResult | Error> = [];
  async post(payload: ImiconnectOutboundPayload): Promise<ImiconnectPostResult> {
    this.posted.push(payload);
    const next = this.next.shift() ?? { status: 200 };
    if (next instanceof Error) throw next;
    return next;
  }
  close(): void {}
}

const conversation: Conversation = {
  id: 'conv-1',
  channel: { vendor: 'imiconnect', connector: 'acme-chat', tenant: 'acme', externalId: 'c-1' },
  botId: 'helpbot',
  state: 'bot',
  version: 0,
  turn: 1,
  revision: 1,
  variables: {},
  channelData: { imiconnectCustomparams: { customparam4: 'from-imi' } },
  createdAt: 'x',
  updatedAt: 'x',
};

function delivery(action: Delivery['action'], id = 'd-1'): Delivery {
  return { id, conversationId: 'conv-1', target: { kind: 'channel', connector: 'acme-chat' }, action, createdAt: 'x' };
}

describe('ImiconnectConnector', () => {
  it('declares text-only 1024-char capabilities and the IMIconnect retry rhythm by default', () => {
    const connector = new ImiconnectConnector(integration(), {}, new RecordingPoster());
    expect(connector.name).toBe('acme-chat');
    expect(connector.capabilities(conversation, 'deferred')).toEqual({ contentTypes: ['text'], maxTextLength: 1024, markdown: false });
    expect(connector.retry).toEqual({ attempts: 5, delaysMs: [60_000, 300_000, 900_000, 2_400_000] });
    expect(connector.nativeHandover).toBeUndefined();
  });

  it('BOT+CCSP: native handover goes straight to agent', () => {
    const connector = new ImiconnectConnector(integration({ mode: 'BOT+CCSP' }), {}, new RecordingPoster());
    expect(connector.nativeHandover).toEqual({ initialState: 'agent', channelPlaysFallback: false, onDeadline: 'agent', defaultTimeoutMs: 3_600_000 });
  });

  it('deliver() is one POST; the answer id is remembered for receipts', async () => {
    const poster = new RecordingPoster();
    poster.next = [{ status: 200, vendorMessageId: 'tx-5' }];
    const records = new MemoryRecords();
    const connector = new ImiconnectConnector(integration(), { records }, poster);
    await connector.deliver(delivery({ type: 'message', content: { type: 'text', text: 'Hi' } }), conversation);
    expect(poster.posted).toEqual([expect.objectContaining({ eventid: '1001', conversation_id: 'c-1', message: 'Hi', customparam1: 'd-1', customparam4: 'from-imi' })]);
    expect(await records.get(RECEIPT_NAMESPACE, receiptKey('acme-chat', 'tx-5'))).toEqual({ deliveryId: 'd-1', conversationId: 'conv-1' });
  });

  it('BOT+CCSP handover posts a 1002 and records it; plain BOT mode skips desks other than channel', async () => {
    const poster = new RecordingPoster();
    const records = new MemoryRecords();
    await new ImiconnectConnector(integration({ mode: 'BOT+CCSP' }), { records }, poster).deliver(delivery({ type: 'handover', target: { desk: 'channel' } }, 'h-1'), conversation);
    expect(poster.posted[0]).toMatchObject({ eventid: '1002', conversation_id: 'c-1' });
    expect(await records.get(HANDOVER_NAMESPACE, handoverKey('acme-chat', 'c-1'))).toMatchObject({ deliveryId: 'h-1' });
    await new ImiconnectConnector(integration(), {}, poster).deliver(delivery({ type: 'handover', target: { desk: 'aivo' } }), conversation);
    expect(poster.posted).toHaveLength(1);
  });

  it('errors: no action or inexpressible content is permanent; client errors pass through', async () => {
    const poster = new RecordingPoster();
    const connector = new ImiconnectConnector(integration(), {}, poster);
    await expect(connector.deliver(delivery(undefined), conversation)).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(connector.deliver(delivery({ type: 'message', content: { type: 'card', actions: [{ type: 'link', label: 'a', url: 'b' }] } }), conversation)).rejects.toBeInstanceOf(PermanentDeliveryError);
    poster.next = [new TransientDeliveryError('503', 503)];
    await expect(connector.deliver(delivery({ type: 'message', content: { type: 'text', text: 'x' } }), conversation)).rejects.toBeInstanceOf(TransientDeliveryError);
  });

  it('a bookkeeping failure after a successful POST does not fail the delivery', async () => {
    const poster = new RecordingPoster();
    poster.next = [{ status: 200, vendorMessageId: 'tx' }];
    const records = new MemoryRecords();
    records.put = () => Promise.reject(new Error('store away'));
    await expect(new ImiconnectConnector(integration(), { records }, poster).deliver(delivery({ type: 'message', content: { type: 'text', text: 'x' } }), conversation)).resolves.toBeUndefined();
  });
});

describe('config', () => {
  it('refuses bad configs with every issue listed', () => {
    expect(() => integration({ id: 'bad id!' })).toThrow(/invalid IMIconnect integration/);
    expect(() => integration({ requireToken: true, verificationToken: undefined })).toThrow(/requireToken/);
    expect(() => integration({ close: { mode: 'text' } })).toThrow(/close.text/);
  });
});
