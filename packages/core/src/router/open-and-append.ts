import type { Conversation } from '../model/conversation';
import type { ChannelRef } from '../model/event';
import type { AppendResult, FinishOptions, LaneClaim, OpenAndAppendResult, StorageDriver, TurnPerformed } from '../ports';

/**
 * `StorageDriver.openAndAppend` when the driver has it (one step), else the same result from
 * its three calls: open, append (or appendAndClaim), and, under a claim, a fresh read (an
 * earlier turn may have saved between the open and the append).
 */
export async function openAndAppend<T>(
  storage: StorageDriver,
  ref: ChannelRef,
  init: () => Conversation,
  item: { id: string; data: T },
  options: { claim: boolean },
): Promise<OpenAndAppendResult<T>> {
  if (storage.openAndAppend) return storage.openAndAppend(ref, init, item, options);
  const { conversation: opened, created } = await storage.conversations.open(ref, init);
  const queue = storage.queue;
  const result: AppendResult<T> =
    options.claim && queue.appendAndClaim ? await queue.appendAndClaim<T>('inbox', opened.id, item) : { appended: await queue.append('inbox', opened.id, item) };
  const conversation = result.claim ? ((await storage.conversations.get(opened.id)) ?? opened) : opened;
  return { conversation, created, ...result };
}

/**
 * The end of an event handled inline under its claim: `StorageDriver.finishTurn` when the driver
 * has it (one step), else commitPerformed then the claim's finish, in that order.
 */
export async function finishTurn(
  storage: StorageDriver,
  claim: LaneClaim<unknown>,
  performed: TurnPerformed,
  options?: FinishOptions,
): Promise<LaneClaim<unknown> | undefined> {
  if (storage.finishTurn) return storage.finishTurn(claim, performed, options);
  await commitPerformed(storage, performed);
  return claim.finish({ kind: 'done' }, options);
}

/** The writes of `performed` without the claim's finish: the state (when deferred), then the timeline. */
export async function commitPerformed(storage: Pick<StorageDriver, 'conversations'>, performed: TurnPerformed): Promise<void> {
  if (performed.save) await storage.conversations.update(performed.conversationId, performed.save.mutate, performed.save.lastRead);
  await storage.conversations.effectsPerformed(performed.conversationId, performed.timeline);
}
