import type { RetryPolicy } from '../ports';

/** What the router does where the bot and the channel say nothing. Every value is configurable. */
export interface RouterPolicy {
  /** A bot turn that takes longer than this is abandoned and answered with `fallbackText`. */
  botTurnTimeoutMs: number;
  /** Said when the bot fails, times out or returns garbage. */
  fallbackText: string;
  /** How long a handover may wait for an agent when neither the bot nor the channel says. */
  handoffTimeoutMs: number;
  /** Said when a handover times out or fails and the bot gave no fallback of its own. */
  handoffFallbackText: string;
  /** Said to a visitor who writes while waiting for an agent (empty: say nothing). */
  pendingText: string;
  /** When an agent closes: back to the bot, or close the conversation. */
  afterAgent: 'bot' | 'close';
  /** Said when an agent leaves (empty: say nothing). */
  agentLeftText: string;
  /** Deliveries to targets that declare no retry policy of their own. */
  defaultRetry: RetryPolicy;
  breaker: { failureThreshold: number; cooldownMs: number };
}

export const DEFAULT_ROUTER_POLICY: RouterPolicy = {
  botTurnTimeoutMs: 15_000,
  fallbackText: 'Sorry, something went wrong on my side. Could you say that again?',
  handoffTimeoutMs: 120_000,
  handoffFallbackText: 'No agent is available right now. I am back to help you.',
  pendingText: '',
  afterAgent: 'bot',
  agentLeftText: '',
  defaultRetry: { attempts: 5, delaysMs: [1_000, 5_000, 30_000, 120_000] },
  breaker: { failureThreshold: 5, cooldownMs: 30_000 },
};

/** Delay before retry number `attempt` (1-based). */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  const delays = policy.delaysMs.length ? policy.delaysMs : [1_000];
  return delays[Math.min(attempt, delays.length) - 1];
}
