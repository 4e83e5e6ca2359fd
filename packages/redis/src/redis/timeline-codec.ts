import { SYNC_ANSWER_SUFFIX, type TimelineEntry } from '@botgate/core';

// How a timeline entry is stored in Redis: a JSON array [at, kind, summary, deliveryId, status,
// data] instead of the object, `at` as epoch milliseconds, `kind` as one letter (an outbound
// line of a synchronous answer, whose summary ends with SYNC_ANSWER_SUFFIX, as 'O' without the
// suffix), trailing absent fields left out. A
// week of lines per conversation is the largest part of an idle conversation's bytes, and the
// object's key names and ISO date were ≈ 40 of an entry's ≈ 130 bytes. Entries stored as
// objects (before this layout) are still read.

type StoredEntry = [number | string, string, string, (string | null)?, (TimelineEntry['status'] | null)?, unknown?];

const KIND_CODES: Record<TimelineEntry['kind'], string> = { inbound: 'i', outbound: 'o', delivery: 'd', state: 's', error: 'e', note: 'n' };
const SYNC_ANSWER_CODE = 'O';
const KINDS = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as TimelineEntry['kind']]));

export function encodeTimelineEntry(entry: TimelineEntry): string {
  const ms = Date.parse(entry.at);
  // The instant, exactly: an `at` that does not survive the round trip stays a string.
  const at = Number.isFinite(ms) && new Date(ms).toISOString() === entry.at ? ms : entry.at;
  const syncAnswer = entry.kind === 'outbound' && entry.summary.endsWith(SYNC_ANSWER_SUFFIX);
  const stored: StoredEntry = syncAnswer
    ? [at, SYNC_ANSWER_CODE, entry.summary.slice(0, -SYNC_ANSWER_SUFFIX.length)]
    : [at, KIND_CODES[entry.kind] ?? entry.kind, entry.summary];
  if (entry.data !== undefined) stored.push(entry.deliveryId ?? null, entry.status ?? null, entry.data);
  else if (entry.status !== undefined) stored.push(entry.deliveryId ?? null, entry.status);
  else if (entry.deliveryId !== undefined) stored.push(entry.deliveryId);
  return JSON.stringify(stored);
}

export function decodeTimelineEntry(json: string): TimelineEntry {
  if (!json.startsWith('[')) return JSON.parse(json) as TimelineEntry;
  const [at, kind, summary, deliveryId, status, data] = JSON.parse(json) as StoredEntry;
  const when = typeof at === 'number' ? new Date(at).toISOString() : at;
  const entry: TimelineEntry =
    kind === SYNC_ANSWER_CODE
      ? { at: when, kind: 'outbound', summary: `${summary}${SYNC_ANSWER_SUFFIX}` }
      : { at: when, kind: KINDS.get(kind) ?? (kind as TimelineEntry['kind']), summary };
  if (deliveryId !== undefined && deliveryId !== null) entry.deliveryId = deliveryId;
  if (status !== undefined && status !== null) entry.status = status;
  if (data !== undefined) entry.data = data;
  return entry;
}
