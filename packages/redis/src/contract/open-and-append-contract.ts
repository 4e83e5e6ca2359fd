import { finishTurn, openAndAppend, type LaneItem, type StorageDriver } from '@botgate/core';
import { freshDriverPerTest, channelRef, deferred, eventually, newConversation, type DriverFactory } from './fixtures';

/** Drain workers that record the ids they handle; `first` resolves with the first one. */
async function drainWorkers(driver: StorageDriver): Promise<{ handled: string[]; first: Promise<void> }> {
  const handled: string[] = [];
  const first = deferred();
  await driver.queue.startWorkers({
    lane: async (_lane, _key, item) => {
      handled.push(item.id);
      first.resolve();
      return { kind: 'done' };
    },
    scheduled: async () => undefined,
  });
  return { handled, first: first.promise };
}

/**
 * The inbound step (open the conversation, append the event to its inbox, maybe take the lease)
 * and the end of a handled event (effects performed, timeline lines): the same results whether
 * a driver does them in one step (Redis) or the router composes them (memory).
 */
export function describeOpenAndAppendContract(name: string, makeDriver: DriverFactory): void {
  describe(`${name}: open and append`, () => {
    let driver: StorageDriver;
    freshDriverPerTest(makeDriver, (made) => (driver = made));

    it('opens once per channel, appends once per id, and leaves the item to the drain workers without a claim', async () => {
      const ref = channelRef();
      const first = await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e1', data: { n: 1 } }, { claim: false });
      const again = await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e1', data: { n: 1 } }, { claim: false });
      const second = await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e2', data: { n: 2 } }, { claim: false });
      expect([first.created, again.created, second.created]).toEqual([true, false, false]);
      expect([first.appended, again.appended, second.appended]).toEqual([true, false, true]);
      expect(new Set([first, again, second].map((r) => r.conversation.id)).size).toBe(1);
      expect([first.claim, again.claim, second.claim]).toEqual([undefined, undefined, undefined]);
      expect(first.conversation).toEqual(await driver.conversations.get(first.conversation.id));
      expect((await driver.queue.counts()).lanesWaiting.inbox).toBe(2);

      const handled: Array<{ key: string; id: string }> = [];
      const both = deferred();
      await driver.queue.startWorkers({
        lane: async (_lane, key, item) => {
          handled.push({ key, id: item.id });
          if (handled.length === 2) both.resolve();
          return { kind: 'done' };
        },
        scheduled: async () => undefined,
      });
      await both.promise;
      expect(handled).toEqual([
        { key: first.conversation.id, id: 'e1' },
        { key: first.conversation.id, id: 'e2' },
      ]);
    });

    it('with workers running, claims an idle inbox: the record comes as of the claim, the item waits for finish', async () => {
      const { handled, first: handledTwice } = await drainWorkers(driver);
      const ref = channelRef();
      const { conversation } = await driver.conversations.open(ref, () => newConversation(ref));
      const effects = { itemId: 'e0', channelActions: [] };
      await driver.conversations.update(conversation.id, (c) => ({ ...c, lastHandledEventId: 'e0', pendingEffects: effects }));

      const claimed = await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e1', data: { n: 1 } }, { claim: true });
      expect(claimed).toMatchObject({ created: false, appended: true });
      expect(claimed.claim?.item).toMatchObject({ id: 'e1', data: { n: 1 }, attempts: 0 } satisfies Partial<LaneItem<unknown>>);
      expect(claimed.conversation).toMatchObject({ id: conversation.id, revision: 1, lastHandledEventId: 'e0', pendingEffects: effects });

      // The lane is busy under the claim: the next event is queued behind it, not claimed.
      const queued = await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e2', data: { n: 2 } }, { claim: true });
      expect([queued.appended, queued.claim]).toEqual([true, undefined]);
      expect(handled).toEqual([]);
      await claimed.claim?.finish({ kind: 'done' });
      await handledTwice;
      expect(handled).toEqual(['e2']);
      await eventually(async () => (await driver.queue.counts()).lanesWaiting.inbox === 0);

      // A duplicate id is neither appended nor claimed (a conversation of its own: right after a
      // drain the drainer may still hold the lease for a moment, which would make a claim racy).
      const other = channelRef();
      const next = await openAndAppend(driver, other, () => newConversation(other), { id: 'e3', data: { n: 3 } }, { claim: true });
      expect(next.claim).toBeDefined();
      await next.claim?.finish({ kind: 'done' });
      const duplicate = await openAndAppend(driver, other, () => newConversation(other), { id: 'e3', data: { n: 3 } }, { claim: true });
      expect([duplicate.appended, duplicate.claim]).toEqual([false, undefined]);
    });

    it('a closed conversation is not reopened: the event starts a new one', async () => {
      const ref = channelRef();
      const first = await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e1', data: 1 }, { claim: false });
      await driver.conversations.update(first.conversation.id, (c) => ({ ...c, state: 'closed' }));
      const second = await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e2', data: 2 }, { claim: false });
      expect(second.created).toBe(true);
      expect(second.conversation.id).not.toBe(first.conversation.id);
    });

    it('finishTurn forgets the effects, writes the timeline and pops the claimed item in one step; the lane moves on', async () => {
      const { handled, first: next } = await drainWorkers(driver);
      const ref = channelRef();
      const claimed = await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e1', data: 1 }, { claim: true });
      const id = claimed.conversation.id;
      await driver.conversations.update(id, (c) => ({ ...c, lastHandledEventId: 'e1', pendingEffects: { itemId: 'e1' } }));
      // Appended while the claim is held: queued behind it, handled once the claim is finished.
      expect((await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e2', data: 2 }, { claim: true })).claim).toBeUndefined();
      const at = new Date().toISOString();
      if (!claimed.claim) throw new Error('expected a claim');
      await finishTurn(driver, claimed.claim, { conversationId: id, timeline: [{ at, kind: 'inbound', summary: 'one' }] });
      await next;
      expect(handled).toEqual(['e2']);
      expect((await driver.conversations.get(id))?.pendingEffects).toBeUndefined();
      expect((await driver.conversations.timeline(id)).map((e) => e.summary)).toEqual(['one']);
      await eventually(async () => (await driver.queue.counts()).lanesWaiting.inbox === 0);
    });

    it('finishTurn with a save writes the state with the timeline and pops the item; the lane moves on', async () => {
      const { handled, first: next } = await drainWorkers(driver);
      const ref = channelRef();
      const claimed = await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e1', data: 1 }, { claim: true });
      if (!claimed.claim) throw new Error('expected a claim');
      const read = claimed.conversation;
      expect((await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e2', data: 2 }, { claim: true })).claim).toBeUndefined();
      const at = new Date().toISOString();
      await finishTurn(driver, claimed.claim, {
        conversationId: read.id,
        timeline: [{ at, kind: 'inbound', summary: 'one' }],
        save: { mutate: (c) => ({ ...c, turn: c.turn + 1, lastHandledEventId: 'e1' }), lastRead: read },
      });
      await next;
      expect(handled).toEqual(['e2']);
      const saved = await driver.conversations.get(read.id);
      expect(saved).toMatchObject({ turn: read.turn + 1, lastHandledEventId: 'e1', revision: read.revision + 1 });
      expect(saved?.pendingEffects).toBeUndefined();
      expect((await driver.conversations.timeline(read.id)).map((e) => e.summary)).toEqual(['one']);
    });

    it('finishTurn with a save that lost its compare-and-set applies the change to the fresh record, then finishes', async () => {
      await drainWorkers(driver);
      const ref = channelRef();
      const claimed = await openAndAppend(driver, ref, () => newConversation(ref), { id: 'e1', data: 1 }, { claim: true });
      if (!claimed.claim) throw new Error('expected a claim');
      const read = claimed.conversation;
      // Written since the turn read it (as a delivery recording its desk reference would).
      await driver.conversations.update(read.id, (c) => ({ ...c, variables: { deskRef: 'd-1' } }));
      const at = new Date().toISOString();
      await finishTurn(driver, claimed.claim, {
        conversationId: read.id,
        timeline: [{ at, kind: 'inbound', summary: 'one' }],
        save: { mutate: (c) => ({ ...c, turn: c.turn + 1, lastHandledEventId: 'e1' }), lastRead: read },
      });
      const saved = await driver.conversations.get(read.id);
      expect(saved).toMatchObject({ turn: read.turn + 1, lastHandledEventId: 'e1', variables: { deskRef: 'd-1' }, revision: read.revision + 2 });
      expect((await driver.conversations.timeline(read.id)).map((e) => e.summary)).toEqual(['one']);
      await eventually(async () => (await driver.queue.counts()).lanesWaiting.inbox === 0);
    });

    it('saveAndAppend saves the state and appends the item with its claim when the lane is idle; a second append waits behind it', async () => {
      const saveAndAppend = driver.saveAndAppend?.bind(driver);
      if (!saveAndAppend) throw new Error('both drivers implement saveAndAppend');
      const { handled, first: next } = await drainWorkers(driver);
      const ref = channelRef();
      const { conversation: opened } = await driver.conversations.open(ref, () => newConversation(ref));
      // Left by an earlier event: the saved state owes none (its effect is the appended item).
      const read = await driver.conversations.update(opened.id, (c) => ({ ...c, pendingEffects: { itemId: 'e0' } }));
      const save = { conversationId: read.id, mutate: (c: typeof read) => ({ ...c, turn: c.turn + 1, lastHandledEventId: 'e1' }), lastRead: read };
      const first = await saveAndAppend(save, 'outbox', read.id, { id: 'd1', data: 1 });
      expect(first).toMatchObject({ appended: true, conversation: { turn: read.turn + 1, revision: read.revision + 1 } });
      expect(first?.claim?.item).toMatchObject({ id: 'd1', data: 1 });
      expect(await driver.conversations.get(read.id)).toMatchObject({ turn: read.turn + 1, lastHandledEventId: 'e1', revision: read.revision + 1 });
      expect((await driver.conversations.get(read.id))?.pendingEffects).toBeUndefined();
      const saved = first?.conversation as typeof read;
      const second = await saveAndAppend({ ...save, lastRead: saved }, 'outbox', read.id, { id: 'd2', data: 2 });
      expect(second?.appended).toBe(true);
      expect(second?.claim).toBeUndefined();
      await first?.claim?.finish({ kind: 'done' });
      await next;
      await eventually(async () => handled.includes('d2'));
      expect(handled).toEqual(['d2']);
    });

    it('saveAndAppend writes nothing when the state changed since it was read (null: the caller takes the long way)', async () => {
      const saveAndAppend = driver.saveAndAppend?.bind(driver);
      if (!saveAndAppend) throw new Error('both drivers implement saveAndAppend');
      const { handled } = await drainWorkers(driver);
      const ref = channelRef();
      const { conversation: read } = await driver.conversations.open(ref, () => newConversation(ref));
      await driver.conversations.update(read.id, (c) => ({ ...c, variables: { written: 'meanwhile' } }));
      const result = await saveAndAppend({ conversationId: read.id, mutate: (c) => ({ ...c, turn: 99 }), lastRead: read }, 'outbox', read.id, { id: 'd1', data: 1 });
      expect(result).toBeNull();
      expect(await driver.conversations.get(read.id)).toMatchObject({ turn: read.turn, variables: { written: 'meanwhile' }, revision: read.revision + 1 });
      expect(await driver.queue.append('outbox', read.id, { id: 'd1', data: 1 })).toBe(true);
      await eventually(async () => handled.includes('d1'));
    });

    it('effectsPerformed forgets the pending effects and appends the timeline lines in one call', async () => {
      const ref = channelRef();
      const { conversation } = await driver.conversations.open(ref, () => newConversation(ref));
      await driver.conversations.update(conversation.id, (c) => ({ ...c, lastHandledEventId: 'e1', pendingEffects: { itemId: 'e1' } }));
      const at = new Date().toISOString();
      await driver.conversations.effectsPerformed(conversation.id, [
        { at, kind: 'inbound', summary: 'hello' },
        { at, kind: 'outbound', summary: 'hi' },
      ]);
      const idle = await driver.conversations.get(conversation.id);
      expect(idle?.pendingEffects).toBeUndefined();
      expect(idle?.lastHandledEventId).toBe('e1');
      expect((await driver.conversations.timeline(conversation.id)).map((e) => e.summary)).toEqual(['hello', 'hi']);
      await driver.conversations.effectsPerformed(conversation.id, []);
      expect(await driver.conversations.timeline(conversation.id)).toHaveLength(2);
    });
  });
}
