import type { Conversation, ConversationFilter } from '@botgate/core';

/** The admin list shows this many conversations unless the filter asks otherwise. */
export const DEFAULT_LIST_LIMIT = 50;

function matchesQuery(value: string | undefined, query: string): boolean {
  return value !== undefined && value.startsWith(query);
}

/** One definition of the admin filter, shared by both drivers so they cannot disagree. */
export function matchesConversationFilter(conversation: Conversation, filter: ConversationFilter): boolean {
  const { channel } = conversation;
  if (filter.vendor !== undefined && channel.vendor !== filter.vendor) return false;
  if (filter.tenant !== undefined && channel.tenant !== filter.tenant) return false;
  if (filter.connector !== undefined && channel.connector !== filter.connector) return false;
  if (filter.state !== undefined && conversation.state !== filter.state) return false;
  if (filter.query) {
    const q = filter.query;
    // Exact matches are prefix matches too, so one startsWith covers both rules of the port.
    if (!matchesQuery(conversation.id, q) && !matchesQuery(channel.externalId, q) && !matchesQuery(channel.userId, q)) {
      return false;
    }
  }
  return true;
}

export function listLimit(filter: ConversationFilter): number {
  const limit = filter.limit ?? DEFAULT_LIST_LIMIT;
  return Math.max(1, Math.min(Math.floor(limit), 1000));
}
