import { describe, expect, it } from 'vitest';
import { FailureWindow, LoginThrottle } from './login-throttle';

const policy = { maxFailures: 3, windowMs: 60_000, lockMs: 30_000 };

describe('LoginThrottle', () => {
  const throttle = (): { t: LoginThrottle; at: (ms: number) => void } => {
    let now = 1_000_000;
    const t = new LoginThrottle(policy, { ...policy, maxFailures: 5 });
    t.clock = { now: () => now };
    return { t, at: (ms) => void (now = 1_000_000 + ms) };
  };

  it('locks an account after maxFailures within the window, and lifts the lock after lockMs', () => {
    const { t, at } = throttle();
    t.recordFailure('alice', '10.0.0.1');
    t.recordFailure('Alice', '10.0.0.2');
    expect(t.retryAfterSeconds('alice', '10.0.0.3')).toBe(0);
    t.recordFailure('alice', '10.0.0.3');
    expect(t.retryAfterSeconds('alice', '10.0.0.9')).toBe(30);
    expect(t.retryAfterSeconds('ALICE', undefined)).toBe(30); // names lock case-insensitively
    expect(t.retryAfterSeconds('bob', '10.0.0.9')).toBe(0);
    at(29_001);
    expect(t.retryAfterSeconds('alice', '10.0.0.9')).toBe(1);
    at(30_000);
    expect(t.retryAfterSeconds('alice', '10.0.0.9')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const { t, at } = throttle();
    t.recordFailure('alice', undefined);
    t.recordFailure('alice', undefined);
    at(60_001);
    t.recordFailure('alice', undefined);
    expect(t.retryAfterSeconds('alice', undefined)).toBe(0);
  });

  it('clears an account on success', () => {
    const { t } = throttle();
    t.recordFailure('alice', undefined);
    t.recordFailure('alice', undefined);
    t.recordSuccess('alice');
    t.recordFailure('alice', undefined);
    expect(t.retryAfterSeconds('alice', undefined)).toBe(0);
  });

  it('locks a source address that fails across many account names', () => {
    const { t } = throttle();
    for (const name of ['a', 'b', 'c', 'd', 'e']) t.recordFailure(name, '192.0.2.7');
    expect(t.retryAfterSeconds('f', '192.0.2.7')).toBe(30);
    expect(t.retryAfterSeconds('f', '192.0.2.8')).toBe(0);
  });
});

describe('FailureWindow', () => {
  it('stays bounded, dropping stale keys before live locks', () => {
    const w = new FailureWindow({ maxFailures: 2, windowMs: 10, lockMs: 1_000 }, 3);
    w.fail('locked', 0);
    w.fail('locked', 0);
    w.fail('stale-1', 0);
    w.fail('stale-2', 0);
    w.fail('fresh', 50); // over the bound: the stale keys go, the lock stays
    expect(w.size).toBeLessThanOrEqual(3);
    expect(w.lockedFor('locked', 50)).toBe(950);
    for (let i = 0; i < 100; i++) w.fail(`k${i}`, 60);
    expect(w.size).toBe(3);
  });
});
