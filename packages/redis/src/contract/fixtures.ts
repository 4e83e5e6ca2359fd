import { randomUUID } from 'node:crypto';
import type { ChannelRef, Conversation, InboundEvent, StorageDriver } from '@botgate/core';

export type DriverFactory = () => StorageDriver | Promise<StorageDriver>;

/** A new driver before each test of the enclosing describe (handed to `use`), closed after it. */
export function freshDriverPerTest(makeDriver: DriverFactory, use: (driver: StorageDriver) => void): void {
  let driver: StorageDriver | undefined;
  beforeEach(async () => {
    driver = await makeDriver();
    use(driver);
  });
  afterEach(async () => {
    await driver?.close();
  });
}

/** A promise with its resolver outside: tests await events, never fixed sleeps. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Polls a condition that depends on the passage of time (TTL expiry), with a deadline. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function channelRef(overrides: Partial<ChannelRef> = {}): ChannelRef {
  return { vendor: 'iadvize', connector: 'iadvize', tenant: 'acme', externalId: `ext-${randomUUID()}`, ...overrides };
}

export function newConversation(ref: ChannelRef, overrides: Partial<Conversation> = {}): Conversation {
  const now = new Date().toISOString();
  return {
    id: `c-${randomUUID()}`,
    channel: ref,
    botId: 'bot-1',
    state: 'bot',
    version: 0,
    turn: 0,
    revision: 0,
    variables: {},
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function timerEvent(conversationId: string, label: string): InboundEvent {
  return {
    id: `ev-${label}-${randomUUID()}`,
    channel: channelRef({ externalId: conversationId }),
    type: 'timer',
    author: 'system',
    at: new Date().toISOString(),
    meta: { label },
  };
}
