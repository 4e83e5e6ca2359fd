import { randomUUID } from 'node:crypto';
import type { Action, StorageDriver } from '@botgate/core';
import { freshDriverPerTest, eventually, type DriverFactory } from './fixtures';

const actions = (text: string): Action[] => [{ type: 'message', content: { type: 'text', text } }];

/** RecordStore, Dedupe and TurnRendezvous. */
export function describeKeyValueContract(name: string, makeDriver: DriverFactory): void {
  describe(`${name}: records, dedupe, rendezvous`, () => {
    let driver: StorageDriver;
    freshDriverPerTest(makeDriver, (made) => (driver = made));

    it('stores records per namespace, lists and deletes them', async () => {
      await driver.records.put('links', 'b', { n: 2 });
      await driver.records.put('links', 'a:1', { n: 1 });
      await driver.records.put('other', 'a:1', { n: 3 });
      expect(await driver.records.get('links', 'a:1')).toEqual({ n: 1 });
      expect(await driver.records.list('links')).toEqual([
        { key: 'a:1', value: { n: 1 } },
        { key: 'b', value: { n: 2 } },
      ]);
      await driver.records.delete('links', 'a:1');
      expect(await driver.records.get('links', 'a:1')).toBeNull();
      expect(await driver.records.list('links')).toEqual([{ key: 'b', value: { n: 2 } }]);
      expect(await driver.records.get('other', 'a:1')).toEqual({ n: 3 });
      expect(await driver.records.list('empty')).toEqual([]);
    });

    it('expires records with a TTL', async () => {
      await driver.records.put('breaker', 'short', 'open', 60);
      await driver.records.put('breaker', 'long', 'closed');
      expect(await driver.records.get('breaker', 'short')).toBe('open');
      await eventually(async () => (await driver.records.get('breaker', 'short')) === null);
      expect(await driver.records.list('breaker')).toEqual([{ key: 'long', value: 'closed' }]);
    });

    it('dedupe: a key is claimed once (also concurrently) until its TTL runs out', async () => {
      const claims = await Promise.all(Array.from({ length: 10 }, () => driver.dedupe.claim('msg-1', 60)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await driver.dedupe.claim('msg-1', 60)).toBe(false);
      expect(await driver.dedupe.claim('msg-2', 60_000)).toBe(true);
      await eventually(() => driver.dedupe.claim('msg-1', 60_000));
      expect(await driver.dedupe.claim('msg-1', 60_000)).toBe(false);
    });

    it('rendezvous: an offer made before the wait is taken by the waiter', async () => {
      const turn = randomUUID();
      expect(await driver.rendezvous.offer(turn, actions('early'))).toBe(true);
      expect(await driver.rendezvous.wait(turn, 1_000)).toEqual(actions('early'));
    });

    it('rendezvous: an offer during the wait wakes the waiter before its deadline', async () => {
      const turn = randomUUID();
      const started = Date.now();
      const waiting = driver.rendezvous.wait(turn, 10_000);
      // Give the waiter a head start through the event loop (it subscribes first), then offer.
      await new Promise((resolve) => setImmediate(resolve));
      const offered = await driver.rendezvous.offer(turn, actions('in time'));
      expect(await waiting).toEqual(offered ? actions('in time') : null);
      expect(offered).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('rendezvous: after the deadline the turn is deferred and a late offer is refused', async () => {
      const turn = randomUUID();
      expect(await driver.rendezvous.wait(turn, 50)).toBeNull();
      expect(await driver.rendezvous.offer(turn, actions('late'))).toBe(false);
    });

    it('rendezvous: exactly one side wins when offer and deadline race', async () => {
      const races = Array.from({ length: 12 }, async (_, i) => {
        const turn = randomUUID();
        const waiting = driver.rendezvous.wait(turn, 20);
        await new Promise((resolve) => setTimeout(resolve, 14 + i));
        const offered = await driver.rendezvous.offer(turn, actions(`race ${i}`));
        const taken = await waiting;
        return { offered, taken };
      });
      for (const { offered, taken } of await Promise.all(races)) {
        expect(taken !== null).toBe(offered);
      }
    });
  });
}
