import type { Logger, RecordStore } from '@botgate/core';
import { BOT_LINK_NAMESPACE, sameLinkContent, type BotLink } from './bot-link';

/**
 * The operator ↔ scenario links from PUT /bots: stored in the RecordStore (shared by every
 * gateway instance), mirrored in memory so the per-second availability poll does no I/O. The
 * mirror is configuration, not conversation state, and is reloaded in the background so links
 * written through another instance show up here too.
 */
export class OperatorDirectory {
  private readonly links = new Map<string, BotLink>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly records: RecordStore,
    private readonly logger: Logger,
    private readonly refreshMs: number,
  ) {}

  /** Loads every link, then keeps reloading every refreshMs (timer unref'd). */
  async start(): Promise<void> {
    await this.reload();
    if (this.refreshMs > 0 && !this.timer) {
      this.timer = setInterval(() => {
        this.reload().catch((error: unknown) => this.logger.warn('iadvize: reloading bot links failed', { error: String(error) }));
      }, this.refreshMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async reload(): Promise<void> {
    const stored = await this.records.list<BotLink>(BOT_LINK_NAMESPACE);
    for (const { key, value } of stored) this.links.set(key, value);
  }

  /** Memory only: for the availability poll. */
  cached(idOperator: string): BotLink | undefined {
    return this.links.get(idOperator);
  }

  all(): BotLink[] {
    return [...this.links.values()];
  }

  /** Memory first, then the store (a link written through another instance). */
  async get(idOperator: string): Promise<BotLink | null> {
    const cached = this.links.get(idOperator);
    if (cached) return cached;
    const stored = await this.records.get<BotLink>(BOT_LINK_NAMESPACE, idOperator);
    if (stored) this.links.set(idOperator, stored);
    return stored;
  }

  /** Idempotent upsert: an unchanged link keeps its dates. */
  async upsert(next: Omit<BotLink, 'createdAt' | 'updatedAt'>, now: Date): Promise<BotLink> {
    const current = await this.records.get<BotLink>(BOT_LINK_NAMESPACE, next.idOperator);
    if (current && sameLinkContent(current, next)) {
      this.links.set(next.idOperator, current);
      return current;
    }
    const stamp = now.toISOString();
    const link: BotLink = { ...next, createdAt: current?.createdAt ?? stamp, updatedAt: stamp };
    await this.records.put(BOT_LINK_NAMESPACE, link.idOperator, link);
    this.links.set(link.idOperator, link);
    return link;
  }
}
