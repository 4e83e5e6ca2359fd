import type { Report } from './report';

export interface SuiteContext {
  report: Report;
  /** Shorter runs, one round: a smoke test of the harness, not figures to publish. */
  quick: boolean;
  /** Extra node flags for the gateway process (e.g. --cpu-prof). */
  gatewayNodeFlags: string[];
}

export interface Suite {
  name: string;
  description: string;
  run(ctx: SuiteContext): Promise<void>;
}

/** Same-run rounds: baseline and gateway alternate so slow phases of a noisy machine hit both. */
export function roundsFor(ctx: SuiteContext): number {
  return ctx.quick ? 1 : 2;
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}
