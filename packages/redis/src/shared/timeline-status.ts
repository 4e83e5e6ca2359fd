import type { DeliveryStatus, TimelineEntry } from '@botgate/core';

/** How many timeline entries a conversation keeps (oldest dropped first). */
export const TIMELINE_CAP = 500;

export interface DeliveryStatusPatch {
  status: DeliveryStatus;
  note?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies a delivery status to an outbound entry. TimelineEntry has no note field, so the note
 * goes into `data.statusNote` (when data is an object or absent) rather than changing the model.
 */
export function applyDeliveryStatus(entry: TimelineEntry, patch: DeliveryStatusPatch): TimelineEntry {
  const next: TimelineEntry = { ...entry, status: patch.status };
  if (patch.note !== undefined && (entry.data === undefined || isPlainObject(entry.data))) {
    next.data = { ...(entry.data ?? {}), statusNote: patch.note };
  }
  return next;
}
