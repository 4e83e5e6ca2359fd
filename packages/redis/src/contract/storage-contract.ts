import { describeConversationContract } from './conversation-contract';
import type { DriverFactory } from './fixtures';
import { describeKeyValueContract } from './keyvalue-contract';
import { describeLaneContract } from './lane-contract';
import { describeOpenAndAppendContract } from './open-and-append-contract';
import { describeScheduledContract } from './scheduled-contract';

export type { DriverFactory } from './fixtures';

/**
 * The one contract every StorageDriver passes. `makeDriver` returns a fresh, isolated driver
 * (its own key prefix for Redis) with short error backoffs; each test closes it.
 */
export function describeStorageContract(name: string, makeDriver: DriverFactory): void {
  describeConversationContract(name, makeDriver);
  describeKeyValueContract(name, makeDriver);
  describeLaneContract(name, makeDriver);
  describeScheduledContract(name, makeDriver);
  describeOpenAndAppendContract(name, makeDriver);
}
