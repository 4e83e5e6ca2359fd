import { NotFoundError, type StorageDriver } from '@botgate/core';
import { freshDriverPerTest, channelRef, newConversation, type DriverFactory } from './fixtures';

/** ConversationStore: atomic open, CAS update, close detaches, admin list, timeline. */
export function describeConversationContract(name: string, makeDriver: DriverFactory): void {
  describe(`${name}: ConversationStore`, () => {
    let driver: StorageDriver;
    freshDriverPerTest(makeDriver, (made) => (driver = made));

    it('opens one conversation per channel, even under concurrent calls', async () => {
      const ref = channelRef();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => driver.conversations.open(ref, () => newConversation(ref))),
      );
      expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const id = results[0].conversation.id;
      expect((await driver.conversations.get(id))?.channel).toEqual(ref);
      expect((await driver.conversations.findByChannel(ref))?.id).toBe(id);
      expect(await driver.conversations.findByChannel(channelRef())).toBeNull();
      expect(await driver.conversations.get('nope')).toBeNull();
    });

    it('update is compare-and-set on revision, retried on conflict', async () => {
      const ref = channelRef();
      const { conversation } = await driver.conversations.open(ref, () => newConversation(ref));
      await Promise.all(
        Array.from({ length: 20 }, () =>
          driver.conversations.update(conversation.id, (c) => ({
            ...c,
            variables: { ...c.variables, n: String(Number(c.variables.n ?? '0') + 1) },
          })),
        ),
      );
      const stored = await driver.conversations.get(conversation.id);
      expect(stored?.variables.n).toBe('20');
      expect(stored?.revision).toBe(20);
      expect(Date.parse(stored?.updatedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(conversation.updatedAt));
    });

    it('update: null leaves the conversation as is; unknown ids are NotFoundError', async () => {
      const ref = channelRef();
      const { conversation } = await driver.conversations.open(ref, () => newConversation(ref));
      expect(await driver.conversations.update(conversation.id, () => null)).toEqual(conversation);
      expect((await driver.conversations.get(conversation.id))?.revision).toBe(0);
      await expect(driver.conversations.update('missing', (c) => c)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('closing detaches the channel: the next open creates a new conversation', async () => {
      const ref = channelRef();
      const first = (await driver.conversations.open(ref, () => newConversation(ref))).conversation;
      const closed = await driver.conversations.update(first.id, (c) => ({ ...c, state: 'closed' }));
      expect(closed.state).toBe('closed');
      expect(closed.closedAt).toBeDefined();
      expect(await driver.conversations.findByChannel(ref)).toBeNull();
      const second = await driver.conversations.open(ref, () => newConversation(ref));
      expect(second.created).toBe(true);
      expect(second.conversation.id).not.toBe(first.id);
      expect((await driver.conversations.get(first.id))?.state).toBe('closed');
      // Updating the old, closed conversation must not detach the new one.
      await driver.conversations.update(first.id, (c) => ({ ...c, variables: { late: '1' } }));
      expect((await driver.conversations.findByChannel(ref))?.id).toBe(second.conversation.id);
    });

    it('lists newest first with vendor / tenant / connector / state / query filters and a limit', async () => {
      const refs = [
        channelRef({ vendor: 'iadvize', connector: 'iadvize', tenant: 't1', externalId: 'alpha-1', userId: 'u-9' }),
        channelRef({ vendor: 'imiconnect', connector: 'imi-a', tenant: 't1', externalId: 'beta-1' }),
        channelRef({ vendor: 'imiconnect', connector: 'imi-b', tenant: 't2', externalId: 'alpha-2' }),
      ];
      const ids: string[] = [];
      for (const ref of refs) {
        const { conversation } = await driver.conversations.open(ref, () => newConversation(ref));
        // Updates in order give distinct, increasing updatedAt (newest = last).
        await new Promise((resolve) => setTimeout(resolve, 2));
        await driver.conversations.update(conversation.id, (c) => ({ ...c, state: ref.tenant === 't2' ? 'agent' : 'bot' }));
        ids.push(conversation.id);
      }
      const idsOf = async (filter: Parameters<StorageDriver['conversations']['list']>[0]) =>
        (await driver.conversations.list(filter)).map((c) => c.id);
      expect(await idsOf({})).toEqual([ids[2], ids[1], ids[0]]);
      expect(await idsOf({ vendor: 'imiconnect' })).toEqual([ids[2], ids[1]]);
      expect(await idsOf({ tenant: 't1' })).toEqual([ids[1], ids[0]]);
      expect(await idsOf({ connector: 'imi-a' })).toEqual([ids[1]]);
      expect(await idsOf({ state: 'agent' })).toEqual([ids[2]]);
      expect(await idsOf({ query: 'alpha' })).toEqual([ids[2], ids[0]]);
      expect(await idsOf({ query: 'u-9' })).toEqual([ids[0]]);
      expect(await idsOf({ query: ids[1] })).toEqual([ids[1]]);
      expect(await idsOf({ limit: 2 })).toEqual([ids[2], ids[1]]);
    });

    it('keeps a capped timeline, newest last, with delivery status by delivery id', async () => {
      const ref = channelRef();
      const { conversation } = await driver.conversations.open(ref, () => newConversation(ref));
      const at = new Date().toISOString();
      await driver.conversations.appendTimeline(conversation.id, { at, kind: 'inbound', summary: 'hello' });
      await driver.conversations.appendTimeline(conversation.id, { at, kind: 'outbound', summary: 'hi', deliveryId: 'd1', status: 'queued', data: { n: 1 } });
      await driver.conversations.appendTimeline(conversation.id, { at, kind: 'outbound', summary: 'bye', deliveryId: 'd2', status: 'queued' });
      await driver.conversations.setDeliveryStatus(conversation.id, 'd1', 'sent');
      await driver.conversations.setDeliveryStatus(conversation.id, 'd2', 'failed', 'HTTP 500');
      const timeline = await driver.conversations.timeline(conversation.id);
      expect(timeline.map((e) => e.summary)).toEqual(['hello', 'hi', 'bye']);
      expect(timeline[1]).toMatchObject({ status: 'sent', data: { n: 1 } });
      expect(timeline[2]).toMatchObject({ status: 'failed', data: { statusNote: 'HTTP 500' } });
      expect((await driver.conversations.timeline(conversation.id, 2)).map((e) => e.summary)).toEqual(['hi', 'bye']);
      expect(await driver.conversations.timeline('no-such-conversation')).toEqual([]);
    });

    it('drops the oldest timeline entries beyond the cap (500)', async () => {
      const ref = channelRef();
      const { conversation } = await driver.conversations.open(ref, () => newConversation(ref));
      const at = new Date().toISOString();
      await Promise.all(
        Array.from({ length: 510 }, (_, i) => driver.conversations.appendTimeline(conversation.id, { at, kind: 'note', summary: `n${i}` })),
      );
      const timeline = await driver.conversations.timeline(conversation.id);
      expect(timeline).toHaveLength(500);
      expect(timeline[0].summary).toBe('n10');
      expect(timeline[499].summary).toBe('n509');
    });
  });
}
