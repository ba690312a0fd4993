import type { KeyObject } from 'node:crypto';
import { parseJwks } from './jwk';

export interface JwksClientOptions {
  /** Least time between two fetches caused by unknown kids (default 10 s). */
  minRefetchIntervalMs?: number;
  /** Age after which the cached set is refreshed on the next lookup (default 10 min). */
  maxAgeMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

// A JWKS is a few hundred bytes per key; anything far larger is not one.
const MAX_JWKS_BYTES = 256 * 1024;

/**
 * Fetches and caches a JWKS. An unknown kid triggers a refetch (rate-limited), so a newly
 * rotated key is trusted without restarts; when a fetch fails the last good set is kept.
 */
export class JwksClient {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private readonly minRefetchIntervalMs: number;
  private readonly maxAgeMs: number;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;

  constructor(
    readonly url: string,
    options: JwksClientOptions = {},
  ) {
    this.minRefetchIntervalMs = options.minRefetchIntervalMs ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.fetchFn = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  /** A KeyResolver for verifyJwt. */
  readonly resolve = async (kid: string): Promise<KeyObject | undefined> => {
    const stale = this.now() - this.fetchedAt >= this.maxAgeMs;
    if (stale || !this.keys.has(kid)) await this.refresh();
    return this.keys.get(kid);
  };

  /** Refetches unless a fetch was attempted within the rate limit; concurrent callers share one fetch. */
  async refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.now() - this.attemptedAt < this.minRefetchIntervalMs) return;
    this.attemptedAt = this.now();
    this.inflight = this.load()
      .then((keys) => {
        this.keys = keys;
        this.fetchedAt = this.now();
      })
      .catch(() => undefined) // keep the last good set; the next allowed lookup retries
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async load(): Promise<Map<string, KeyObject>> {
    const res = await this.fetchFn(this.url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'error',
    });
    if (!res.ok) throw new Error(`JWKS fetch answered ${res.status}`);
    const text = await res.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error('JWKS too large');
    return parseJwks(JSON.parse(text));
  }
}
