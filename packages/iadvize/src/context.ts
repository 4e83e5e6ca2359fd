import type { BotClient, Clock, ConversationStore, Ingress, Logger } from '@botgate/core';
import type { FirstMessagesCache } from './first-messages';
import type { OperatorDirectory } from './operator-directory';
import type { AvailabilityStrategy } from './schemas';

/** The bots a gateway serves, by id. A Map<string, BotClient> fits. */
export type BotLookup = Pick<ReadonlyMap<string, BotClient>, 'get' | 'values'>;

/** Settled options and collaborators shared by the route handlers. */
export interface IadvizeRouteContext {
  connectorName: string;
  ingress: Ingress;
  conversations: Pick<ConversationStore, 'findByChannel'>;
  bots: BotLookup;
  operators: OperatorDirectory;
  firstMessages: FirstMessagesCache;
  logger: Logger;
  clock: Clock;
  /** Signature secret; null only with allowUnsigned. */
  secret: string | null;
  syncBudgetMs: number;
  defaultTransferTimeoutMs: number;
  channelDesks: readonly string[];
  /** Scenario id → strategy; scenarios not listed get defaultAvailability. */
  availability: Readonly<Record<string, AvailabilityStrategy>>;
  defaultAvailability: AvailabilityStrategy;
  editorUrl: (botId: string) => string;
  /** Sent on a takeover when the bot says nothing in time. */
  takeoverGreeting: string;
  /** Answer to visitor content the bot cannot read; null answers nothing. */
  unsupportedContentText: string | null;
  /** Scenario for operators with no PUT /bots record; absent → 404. */
  defaultBotId?: string;
}
