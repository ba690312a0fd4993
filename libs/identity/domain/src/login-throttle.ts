export interface ThrottlePolicy {
  /** Failures within `windowMs` that lock the key. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

// An account locks after 5 failures in 5 minutes; an address, shared by whole offices behind
// NAT, after 30. Either lock lasts 3 minutes: enough to stop guessing, short enough for a typo.
export const ACCOUNT_THROTTLE: ThrottlePolicy = {
  maxFailures: 5,
  windowMs: 300_000,
  lockMs: 180_000,
};
export const ADDRESS_THROTTLE: ThrottlePolicy = {
  maxFailures: 30,
  windowMs: 300_000,
  lockMs: 180_000,
};
const MAX_TRACKED_KEYS = 10_000;

interface Entry {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

/** Failure counts per key in a bounded map; insertion order doubles as least-recently-failed. */
export class FailureWindow {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly maxKeys = MAX_TRACKED_KEYS,
  ) {}

  /** Milliseconds the key stays locked, 0 when it is not. */
  lockedFor(key: string, now: number): number {
    const entry = this.entries.get(key);
    return entry && entry.lockedUntil > now ? entry.lockedUntil - now : 0;
  }

  fail(key: string, now: number): void {
    let entry = this.entries.get(key);
    if (!entry || now - entry.windowStart > this.policy.windowMs) {
      entry = { failures: 0, windowStart: now, lockedUntil: entry?.lockedUntil ?? 0 };
    }
    entry.failures += 1;
    if (entry.failures >= this.policy.maxFailures) {
      entry.lockedUntil = now + this.policy.lockMs;
      entry.failures = 0;
      entry.windowStart = now;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxKeys) this.evict(now);
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    // Forget stale keys first, so a flood of fresh names does not push out live locks.
    for (const [key, entry] of this.entries) {
      if (entry.lockedUntil <= now && now - entry.windowStart > this.policy.windowMs) {
        this.entries.delete(key);
      }
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxKeys) break;
      this.entries.delete(key);
    }
  }
}

/**
 * Throttles failed logins per account name and per source address, in this process's memory:
 * a failed login then costs no database write (an attacker cannot turn guessing into write
 * load on SQLite's single writer), and losing the counts on restart is harmless. With several
 * replicas each counts on its own, so the effective limit is the per-replica limit times the
 * replica count.
 */
export class LoginThrottle {
  /** Replaceable in tests, to move time forward. */
  clock: { now(): number } = { now: () => Date.now() };
  private readonly accounts: FailureWindow;
  private readonly addresses: FailureWindow;

  constructor(
    account: ThrottlePolicy = ACCOUNT_THROTTLE,
    address: ThrottlePolicy = ADDRESS_THROTTLE,
  ) {
    this.accounts = new FailureWindow(account);
    this.addresses = new FailureWindow(address);
  }

  /** Whole seconds until a login for this account from this address may be tried, 0 when now. */
  retryAfterSeconds(username: string, address: string | undefined): number {
    const now = this.clock.now();
    const ms = Math.max(
      this.accounts.lockedFor(accountKey(username), now),
      address ? this.addresses.lockedFor(address, now) : 0,
    );
    return Math.ceil(ms / 1000);
  }

  recordFailure(username: string, address: string | undefined): void {
    const now = this.clock.now();
    this.accounts.fail(accountKey(username), now);
    if (address) this.addresses.fail(address, now);
  }

  recordSuccess(username: string): void {
    this.accounts.clear(accountKey(username));
  }
}

function accountKey(username: string): string {
  return username.toLowerCase();
}
