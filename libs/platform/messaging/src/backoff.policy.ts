/** Upper bound for any single retry delay unless a caller chooses its own. */
export const DEFAULT_BACKOFF_CAP_MS = 10 * 60_000;

/**
 * Delay before the next attempt after `failedAttempts` failures: baseMs · 2^(failedAttempts − 1),
 * never above capMs. Deterministic (no jitter) so retry timing is predictable and testable.
 */
export function backoffDelayMs(
  failedAttempts: number,
  baseMs: number,
  capMs = DEFAULT_BACKOFF_CAP_MS,
): number {
  if (!Number.isFinite(baseMs) || baseMs <= 0) return 0;
  const n = Math.max(1, Math.floor(failedAttempts));
  // 2^40 already exceeds any sane cap; clamping the exponent keeps the arithmetic finite.
  const delay = baseMs * 2 ** Math.min(n - 1, 40);
  return Math.min(delay, Math.max(capMs, 0));
}
