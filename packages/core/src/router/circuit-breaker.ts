import type { Clock } from '../ports';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSnapshot {
  target: string;
  state: BreakerState;
  consecutiveFailures: number;
  openedAt?: number;
  lastError?: string;
}

export interface BreakerListener {
  (target: string, from: BreakerState, to: BreakerState, lastError?: string): void;
}

interface Circuit {
  state: BreakerState;
  failures: number;
  openedAt: number;
  probeInFlight: boolean;
  lastError?: string;
}

/**
 * One circuit per delivery target (an IMIconnect integration, a desk). After `failureThreshold`
 * consecutive failures the circuit opens: deliveries pause instead of burning their retry budget
 * against a vendor that is down. After `cooldownMs` one probe goes through (half-open); its
 * success closes the circuit, its failure opens it again. Per process on purpose: each worker
 * learns a vendor's health from its own calls, and no Redis round trip sits on the hot path.
 */
export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly options: { failureThreshold: number; cooldownMs: number },
    private readonly clock: Clock,
    private readonly onChange: BreakerListener = () => undefined,
  ) {}

  /** 0 when a call may go now; otherwise how long to wait. */
  waitBeforeCall(target: string): number {
    const circuit = this.circuits.get(target);
    if (!circuit || circuit.state === 'closed') return 0;
    const remaining = circuit.openedAt + this.options.cooldownMs - this.clock.now();
    if (circuit.state === 'open' && remaining <= 0) {
      this.move(target, circuit, 'half-open');
    }
    if (circuit.state === 'half-open' && !circuit.probeInFlight) {
      circuit.probeInFlight = true;
      return 0;
    }
    return Math.max(remaining, Math.min(1_000, this.options.cooldownMs));
  }

  success(target: string): void {
    const circuit = this.circuits.get(target);
    if (!circuit) return;
    circuit.failures = 0;
    circuit.probeInFlight = false;
    if (circuit.state !== 'closed') this.move(target, circuit, 'closed');
  }

  failure(target: string, error: string): void {
    const circuit = this.circuits.get(target) ?? { state: 'closed', failures: 0, openedAt: 0, probeInFlight: false };
    this.circuits.set(target, circuit);
    circuit.failures += 1;
    circuit.lastError = error;
    circuit.probeInFlight = false;
    if (circuit.state === 'half-open' || (circuit.state === 'closed' && circuit.failures >= this.options.failureThreshold)) {
      circuit.openedAt = this.clock.now();
      this.move(target, circuit, 'open');
    }
  }

  snapshot(): BreakerSnapshot[] {
    return [...this.circuits.entries()].map(([target, c]) => ({
      target,
      state: c.state,
      consecutiveFailures: c.failures,
      ...(c.state !== 'closed' ? { openedAt: c.openedAt } : {}),
      ...(c.lastError ? { lastError: c.lastError } : {}),
    }));
  }

  private move(target: string, circuit: Circuit, to: BreakerState): void {
    const from = circuit.state;
    circuit.state = to;
    this.onChange(target, from, to, circuit.lastError);
  }
}
