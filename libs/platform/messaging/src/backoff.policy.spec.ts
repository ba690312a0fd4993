import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF_CAP_MS } from './backoff.policy';

describe('backoffDelayMs', () => {
  it('doubles from the base delay with each failed attempt', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, 50))).toEqual([50, 100, 200, 400, 800]);
  });

  it('never exceeds the cap, even after very many failures', () => {
    expect(backoffDelayMs(8, 1000, 5000)).toBe(5000);
    expect(backoffDelayMs(10_000, 1000)).toBe(DEFAULT_BACKOFF_CAP_MS);
    expect(Number.isFinite(backoffDelayMs(Number.MAX_SAFE_INTEGER, 1000))).toBe(true);
  });

  it('treats a zero or nonsensical attempt count as the first failure', () => {
    expect(backoffDelayMs(0, 250)).toBe(250);
    expect(backoffDelayMs(-3, 250)).toBe(250);
  });

  it('returns no delay for a non-positive base', () => {
    expect(backoffDelayMs(3, 0)).toBe(0);
    expect(backoffDelayMs(3, -10)).toBe(0);
  });
});
