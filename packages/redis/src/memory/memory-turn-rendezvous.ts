import type { Action, TurnRendezvous } from '@botgate/core';

type TurnSlot = { kind: 'offered'; actions: Action[] } | { kind: 'deferred' };

/** Slots are forgotten after this long, like the Redis driver's turn key TTL. */
const SLOT_TTL_MS = 60_000;

/** Same arbitration as the Redis driver: the first of offer / give-up to fill the slot wins. */
export class MemoryTurnRendezvous implements TurnRendezvous {
  private readonly slots = new Map<string, TurnSlot>();
  private readonly waiters = new Map<string, () => void>();
  private readonly expiries = new Set<NodeJS.Timeout>();

  async offer(turnId: string, actions: Action[]): Promise<boolean> {
    if (this.slots.has(turnId)) return false;
    this.fill(turnId, { kind: 'offered', actions });
    this.waiters.get(turnId)?.();
    return true;
  }

  async wait(turnId: string, timeoutMs: number): Promise<Action[] | null> {
    const early = this.slots.get(turnId);
    if (!early) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.waiters.set(turnId, resolve);
        timer = setTimeout(resolve, Math.max(0, timeoutMs));
      });
      clearTimeout(timer);
      this.waiters.delete(turnId);
    }
    const slot = this.slots.get(turnId);
    if (slot?.kind === 'offered') return slot.actions;
    if (!slot) this.fill(turnId, { kind: 'deferred' });
    return null;
  }

  close(): void {
    for (const timer of this.expiries) clearTimeout(timer);
    this.expiries.clear();
    for (const wake of this.waiters.values()) wake();
  }

  private fill(turnId: string, slot: TurnSlot): void {
    this.slots.set(turnId, slot);
    const timer = setTimeout(() => {
      this.slots.delete(turnId);
      this.expiries.delete(timer);
    }, SLOT_TTL_MS);
    timer.unref();
    this.expiries.add(timer);
  }
}
