import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from './load';
import { REPO_ROOT } from './processes';

// Every figure is printed as one line (name, value, baseline, ratio, target, verdict) and kept
// for the JSON file of the run.

export interface Figure {
  suite: string;
  name: string;
  value: number;
  unit: string;
  /** The same-run baseline and value/baseline, for throughput figures. */
  baseline?: number;
  ratio?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Absent for a reference figure (INFO): a figure shown for context, with no target of its own. */
  target?: string;
  pass?: boolean;
  notes?: string;
}

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  const list = cpus();
  return {
    nproc: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export class Report {
  readonly figures: Figure[] = [];
  readonly lines: string[] = [];

  constructor(readonly startedAt = new Date()) {}

  log(line: string): void {
    this.lines.push(line);
    process.stdout.write(`${line}\n`);
  }

  add(figure: Figure): void {
    this.figures.push(figure);
    const verdict = figure.pass === undefined ? 'INFO' : figure.pass ? 'PASS' : 'MISS';
    const parts = [`${verdict} ${figure.suite}/${figure.name}: ${fmt(figure.value)} ${figure.unit}`];
    if (figure.baseline !== undefined && figure.ratio !== undefined) parts.push(`baseline ${fmt(figure.baseline)} ${figure.unit}, ratio ${figure.ratio.toFixed(2)}x`);
    if (figure.p50Ms !== undefined && figure.p99Ms !== undefined) parts.push(`p50 ${figure.p50Ms} ms, p99 ${figure.p99Ms} ms`);
    if (figure.target !== undefined) parts.push(`target ${figure.target}`);
    this.log(parts.join(' | '));
    if (figure.notes) this.log(`     ${figure.notes}`);
  }

  /** bench/results/<timestamp>.json */
  write(extra: Record<string, unknown>): string {
    const dir = join(REPO_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${this.startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ startedAt: this.startedAt.toISOString(), machine: machine(), ...extra, figures: this.figures }, null, 2));
    return file;
  }
}

/**
 * The reference (INFO) figure of a throughput against bare express served like the gateway
 * (createExpressServer): the targets are set against stock express, which pays a prototype swap
 * per request that the gateway does not; this shows the ratio with that swap out of both.
 */
export function againstPrototypesFromBirth(suite: string, name: string, value: number, baseline: number): Figure {
  return {
    suite,
    name: `${name} vs express with prototypes from birth`,
    value,
    unit: 'req/s',
    baseline,
    ratio: value / baseline,
    notes: 'reference, no target: the same bare express route without the per-request prototype swap (bench/servers/bare-express.ts)',
  };
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return (Math.round(n * 100) / 100).toString();
}

export function describeLoad(label: string, r: LoadResult): string {
  return `  ${label}: ${fmt(r.rps)} req/s (2xx ${r.ok}, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}) p50 ${r.p50} ms p99 ${r.p99} ms over ${r.durationSec.toFixed(1)} s`;
}

/** Percentile of a sorted-in-place copy (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
