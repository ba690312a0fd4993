import { createHmac, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** Which stored credential a cached verification matched, and its hash at the time. */
export interface VerifiedCredential {
  userId: number;
  via: 'password' | 'cli-secret';
  storedHash: string;
}

const TTL_MS = 2 * 60_000;
const CAPACITY = 10_000;

/**
 * Recent successful password (and CLI secret) checks, so a client repeating Basic auth (docker
 * asks for a token per repository and per push) pays one scrypt every two minutes, not one per
 * request: scrypt is tens of milliseconds of CPU and 32 MiB, which caps token issue at a few
 * per second per core. Keys are an HMAC of the credentials under a random per-process key,
 * never stored, never shared, so the cache holds neither the password nor anything usable
 * offline without this process's memory (which holds passwords in flight anyway). A hit only
 * counts while the user's stored hash is the one that matched, so a password or secret change
 * ends it at once on every replica. Only successes are cached: a wrong password always costs
 * a full scrypt, and failures stay throttled.
 */
@Injectable()
export class VerifiedCredentialCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, VerifiedCredential & { expiresAtMs: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The cache key of a credential check; `scope` separates checks that accept different things. */
  keyOf(username: string, password: string, scope: string): string {
    return createHmac('sha256', this.key)
      .update(`${scope}\0${username}\0${password}`, 'utf8')
      .digest('base64url');
  }

  get(key: string): VerifiedCredential | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAtMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, credential: VerifiedCredential): void {
    this.entries.delete(key);
    this.entries.set(key, { ...credential, expiresAtMs: this.now() + TTL_MS });
    while (this.entries.size > CAPACITY) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
