import fc from 'fast-check';
import { SYNC_ANSWER_SUFFIX, type TimelineEntry } from '@botgate/core';
import { decodeTimelineEntry, encodeTimelineEntry } from './timeline-codec';

describe('timeline codec', () => {
  it('round-trips every entry shape exactly and is smaller than the object form', () => {
    const entry = fc.record(
      {
        at: fc.oneof(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('2026-11-21T10:26:51Z', 'yesterday')),
        kind: fc.constantFrom('inbound', 'outbound', 'delivery', 'state', 'error', 'note'),
        summary: fc.oneof(fc.string(), fc.string().map((text) => `${text}${SYNC_ANSWER_SUFFIX}`)),
        deliveryId: fc.string(),
        status: fc.constantFrom('queued', 'sent', 'delivered', 'read', 'failed'),
        data: fc.jsonValue(),
      },
      { requiredKeys: ['at', 'kind', 'summary'] },
    );
    fc.assert(
      fc.property(entry, (e) => {
        const cleaned = JSON.parse(JSON.stringify(e)) as TimelineEntry;
        const encoded = encodeTimelineEntry(cleaned);
        expect(decodeTimelineEntry(encoded)).toEqual(cleaned);
        expect(encoded.length).toBeLessThan(JSON.stringify(cleaned).length);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the synchronous-answer suffix of an outbound line as one letter', () => {
    const entry: TimelineEntry = { at: '2026-11-21T10:26:51.286Z', kind: 'outbound', summary: `message text: hi${SYNC_ANSWER_SUFFIX}`, status: 'sent' };
    expect(encodeTimelineEntry(entry)).toBe(`[${Date.parse(entry.at)},"O","message text: hi",null,"sent"]`);
    expect(decodeTimelineEntry(encodeTimelineEntry(entry))).toEqual(entry);
  });

  it('still reads entries stored as objects', () => {
    const entry: TimelineEntry = { at: '2026-11-21T10:26:51.286Z', kind: 'outbound', summary: 'hi', deliveryId: 'd1', status: 'sent', data: { n: 1 } };
    expect(decodeTimelineEntry(JSON.stringify(entry))).toEqual(entry);
  });

  it('stores the instant as epoch milliseconds and the kind as one letter', () => {
    expect(encodeTimelineEntry({ at: '2026-11-21T10:26:51.286Z', kind: 'inbound', summary: 'message from visitor: hi' })).toBe(
      `[${Date.parse('2026-11-21T10:26:51.286Z')},"i","message from visitor: hi"]`,
    );
  });
});
