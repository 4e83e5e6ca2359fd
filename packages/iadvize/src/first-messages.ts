import type { BotClient, Logger } from '@botgate/core';
import type { MessageReply } from './schemas';
import { firstMessageReplies } from './translate';

interface CacheEntry {
  replies: MessageReply[];
  fetchedAt: number;
}

/**
 * First messages have a 2 s budget at iAdvize and the bot behind them may be slow or down, so
 * they are served from memory: a stale entry is returned at once and refreshed in the
 * background; a missing one is waited for at most `budgetMs`, then answered empty while the
 * fetch goes on and fills the cache for the next visitor.
 */
export class FirstMessagesCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<MessageReply[]>>();

  constructor(
    private readonly options: { budgetMs: number; ttlMs: number; now: () => number },
    private readonly logger: Logger,
  ) {}

  async get(bot: BotClient, language: string | undefined): Promise<MessageReply[]> {
    const key = cacheKey(bot, language);
    const entry = this.entries.get(key);
    if (entry) {
      if (this.options.now() - entry.fetchedAt > this.options.ttlMs) void this.refresh(bot, language);
      return entry.replies;
    }
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<MessageReply[]>((resolve) => {
      timer = setTimeout(() => resolve([]), this.options.budgetMs);
    });
    try {
      return await Promise.race([this.refresh(bot, language), budget]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fetches now (one fetch per key at a time). Never rejects: a failing bot keeps the old entry. */
  refresh(bot: BotClient, language: string | undefined): Promise<MessageReply[]> {
    const key = cacheKey(bot, language);
    const running = this.inFlight.get(key);
    if (running) return running;
    const fetch = this.fetch(bot, language)
      .then((replies) => {
        this.entries.set(key, { replies, fetchedAt: this.options.now() });
        return replies;
      })
      .catch((error: unknown) => {
        this.logger.warn('iadvize: first messages unavailable', { botId: bot.descriptor.id, error: String(error) });
        return this.entries.get(key)?.replies ?? [];
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, fetch);
    return fetch;
  }

  private async fetch(bot: BotClient, language: string | undefined): Promise<MessageReply[]> {
    if (!bot.firstMessages) return [];
    const contents = await bot.firstMessages(language ? { language } : {});
    return firstMessageReplies(contents);
  }
}

function cacheKey(bot: BotClient, language: string | undefined): string {
  return `${bot.descriptor.id}|${language ?? ''}`;
}
