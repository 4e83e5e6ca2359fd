/** Delays after a handler throws, indexed by attempts made so far (the last one repeats). */
export const DEFAULT_ERROR_BACKOFF_MS: readonly number[] = [1_000, 5_000, 30_000, 120_000];

/** Delay before retrying an item whose handler threw for the `attempts`-th time (1-based). */
export function errorBackoffDelay(attempts: number, schedule: readonly number[] = DEFAULT_ERROR_BACKOFF_MS): number {
  if (schedule.length === 0) return 1_000;
  const index = Math.min(Math.max(attempts, 1), schedule.length) - 1;
  return schedule[index];
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
