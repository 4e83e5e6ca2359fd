import {
  NotFoundError,
  type ChannelRef,
  type Conversation,
  type ConversationFilter,
  type ConversationStore,
  type DeliveryStatus,
  type TimelineEntry,
} from '@botgate/core';
import { listLimit, matchesConversationFilter } from '../shared/conversation-filter';
import { applyDeliveryStatus, TIMELINE_CAP } from '../shared/timeline-status';

function channelKey(ref: ChannelRef): string {
  return JSON.stringify([ref.connector, ref.tenant, ref.externalId]);
}

/** Values are stored as JSON copies: callers can never mutate stored state by accident. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Single-process store. JavaScript runs each method's check-and-write without an await in
 * between, which is what makes open() and update() atomic here. No TTL: a process restart
 * forgets everything, which is the point of this driver.
 */
export class MemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, string>();
  private readonly byChannel = new Map<string, string>();
  private readonly timelines = new Map<string, TimelineEntry[]>();

  async open(ref: ChannelRef, init: () => Conversation): Promise<{ conversation: Conversation; created: boolean }> {
    const existing = this.findOpen(ref);
    if (existing) return { conversation: existing, created: false };
    const fresh = copy(init());
    this.conversations.set(fresh.id, JSON.stringify(fresh));
    this.byChannel.set(channelKey(ref), fresh.id);
    return { conversation: copy(fresh), created: true };
  }

  async get(id: string): Promise<Conversation | null> {
    const json = this.conversations.get(id);
    return json === undefined ? null : (JSON.parse(json) as Conversation);
  }

  async findByChannel(ref: ChannelRef): Promise<Conversation | null> {
    return this.findOpen(ref);
  }

  async update(id: string, mutate: (current: Conversation) => Conversation | null): Promise<Conversation> {
    const json = this.conversations.get(id);
    if (json === undefined) throw new NotFoundError(`conversation ${id}`);
    const current = JSON.parse(json) as Conversation;
    const mutated = mutate(JSON.parse(json) as Conversation);
    if (mutated === null) return current;
    const updatedAt = new Date().toISOString();
    const next: Conversation = { ...copy(mutated), id, channel: current.channel, revision: current.revision + 1, updatedAt };
    if (next.state === 'closed' && current.state !== 'closed' && !next.closedAt) next.closedAt = updatedAt;
    this.conversations.set(id, JSON.stringify(next));
    const key = channelKey(current.channel);
    if (next.state === 'closed' && this.byChannel.get(key) === id) this.byChannel.delete(key);
    return copy(next);
  }

  async list(filter: ConversationFilter): Promise<Conversation[]> {
    const all = [...this.conversations.values()].map((json) => JSON.parse(json) as Conversation);
    all.sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
    return all.filter((c) => matchesConversationFilter(c, filter)).slice(0, listLimit(filter));
  }

  async appendTimeline(conversationId: string, entry: TimelineEntry | TimelineEntry[]): Promise<void> {
    const list = this.timelines.get(conversationId) ?? [];
    for (const e of Array.isArray(entry) ? entry : [entry]) list.push(copy(e));
    if (list.length > TIMELINE_CAP) list.splice(0, list.length - TIMELINE_CAP);
    this.timelines.set(conversationId, list);
  }

  async effectsPerformed(conversationId: string, timeline: TimelineEntry[]): Promise<void> {
    const json = this.conversations.get(conversationId);
    const current = json === undefined ? undefined : (JSON.parse(json) as Conversation);
    if (current?.pendingEffects !== undefined) {
      delete current.pendingEffects;
      this.conversations.set(conversationId, JSON.stringify(current));
    }
    if (timeline.length) await this.appendTimeline(conversationId, timeline);
  }

  async timeline(conversationId: string, limit = TIMELINE_CAP): Promise<TimelineEntry[]> {
    return copy((this.timelines.get(conversationId) ?? []).slice(-Math.max(1, limit)));
  }

  async setDeliveryStatus(conversationId: string, deliveryId: string, status: DeliveryStatus, note?: string): Promise<void> {
    const list = this.timelines.get(conversationId);
    if (!list) return;
    list.forEach((entry, i) => {
      if (entry.kind === 'outbound' && entry.deliveryId === deliveryId) {
        list[i] = applyDeliveryStatus(entry, note === undefined ? { status } : { status, note });
      }
    });
  }

  private findOpen(ref: ChannelRef): Conversation | null {
    const id = this.byChannel.get(channelKey(ref));
    const json = id === undefined ? undefined : this.conversations.get(id);
    if (json === undefined) return null;
    const conversation = JSON.parse(json) as Conversation;
    return conversation.state === 'closed' ? null : conversation;
  }
}
