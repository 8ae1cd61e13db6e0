/** Exponential backoff between delivery attempts. Pure. */
import type { RetryPolicy } from './config.js';

/**
 * Delay before attempt `nextAttempt` (2 = first retry): base × 2^(nextAttempt − 2), capped at max_delay.
 * With base 2 s: 2 s, 4 s, 8 s, 16 s, … No jitter: notices are few, and a fixed schedule is easy to read in the timeline.
 */
export function backoffDelayMs(policy: Pick<RetryPolicy, 'base_delay' | 'max_delay'>, nextAttempt: number): number {
  const exponent = Math.max(0, nextAttempt - 2);
  return Math.min(policy.max_delay, policy.base_delay * 2 ** exponent);
}
