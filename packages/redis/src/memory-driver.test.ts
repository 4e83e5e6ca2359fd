import { describeStorageContract } from './contract/storage-contract';
import { createMemoryDriver } from './memory/memory-driver';

describeStorageContract('memory driver', () => createMemoryDriver({ errorBackoffMs: [20] }));

describe('memory driver', () => {
  it('pings until closed', async () => {
    const driver = createMemoryDriver();
    expect(driver.kind).toBe('memory');
    expect(await driver.ping()).toBe(true);
    await driver.close();
    expect(await driver.ping()).toBe(false);
  });
});
