import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './processes';

/** One GC event of a server, as bench/lib/gc-log-preload.mjs records it. */
export interface GcEvent {
  /** Wall-clock start (ms). */
  at: number;
  kind: number;
  ms: number;
  /** Old space used after it (MB). */
  oldMb: number;
}

/** perf_hooks' GC kinds (NODE_PERFORMANCE_GC_*); a full GC ends as a mark-compact or an incremental-marking event. */
export const GC_KINDS: Record<number, string> = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weak callbacks' };
export const SCAVENGE = 1;
export const FULL_GC_KINDS: ReadonlySet<number> = new Set([2, 4]);

/**
 * A file of its own for one server's GC events: the node flag and the env that make the server
 * record them (written when it is asked to stop), and the events of a time window once it has.
 */
export function gcLog(): { nodeFlags: string[]; env: Record<string, string>; eventsBetween(from: number, to: number): GcEvent[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'botgate-gc-')), 'gc.json');
  return {
    nodeFlags: [`--import=${join(REPO_ROOT, 'bench/lib/gc-log-preload.mjs')}`],
    env: { BOTGATE_GC_LOG: file },
    eventsBetween: (from, to) => (JSON.parse(readFileSync(file, 'utf8')) as GcEvent[]).filter((e) => e.at >= from && e.at < to),
  };
}
