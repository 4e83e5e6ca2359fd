// Loaded into a server with --import (bench/latency-timeline.ts): every GC event of the process
// (wall-clock start, kind, duration, old space used after it), written to
// $BOTGATE_GC_LOG as JSON when the process is asked to stop.
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';

const events = [];
const oldSpaceMb = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_used_size / 2 ** 20;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    events.push({ at: performance.timeOrigin + entry.startTime, kind: entry.detail?.kind, ms: entry.duration, oldMb: oldSpaceMb() });
  }
}).observe({ entryTypes: ['gc'] });
// Written before the gateway's own SIGTERM handler closes anything (listeners run in order).
const logFile = process.env.BOTGATE_GC_LOG;
if (logFile) process.prependListener('SIGTERM', () => writeFileSync(logFile, JSON.stringify(events)));
