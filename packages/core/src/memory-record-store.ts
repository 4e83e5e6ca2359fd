import type { RecordStore } from './ports';

interface StoredRecord {
  json: string;
  expiresAt?: number;
}

/**
 * Records per namespace with optional TTL, checked when read (no sweeper timer to clean up).
 * The embedded memory driver's record store, and the one vendor packages test with (they may
 * not depend on the drivers). Values are stored as JSON, so callers never share an object.
 */
export class MemoryRecordStore implements RecordStore {
  private readonly namespaces = new Map<string, Map<string, StoredRecord>>();

  async get<T>(namespace: string, key: string): Promise<T | null> {
    const record = this.live(namespace, key);
    return record ? (JSON.parse(record.json) as T) : null;
  }

  async put<T>(namespace: string, key: string, value: T, ttlMs?: number): Promise<void> {
    let records = this.namespaces.get(namespace);
    if (!records) this.namespaces.set(namespace, (records = new Map()));
    const record: StoredRecord = { json: JSON.stringify(value) };
    if (ttlMs !== undefined && ttlMs > 0) record.expiresAt = Date.now() + ttlMs;
    records.set(key, record);
  }

  async delete(namespace: string, key: string): Promise<void> {
    this.namespaces.get(namespace)?.delete(key);
  }

  async list<T>(namespace: string): Promise<Array<{ key: string; value: T }>> {
    const keys = [...(this.namespaces.get(namespace)?.keys() ?? [])];
    const out: Array<{ key: string; value: T }> = [];
    for (const key of keys) {
      const record = this.live(namespace, key);
      if (record) out.push({ key, value: JSON.parse(record.json) as T });
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  private live(namespace: string, key: string): StoredRecord | undefined {
    const records = this.namespaces.get(namespace);
    const record = records?.get(key);
    if (record?.expiresAt !== undefined && record.expiresAt <= Date.now()) {
      records?.delete(key);
      return undefined;
    }
    return record;
  }
}
