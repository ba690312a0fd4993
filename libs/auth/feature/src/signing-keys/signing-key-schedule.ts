/** When a stored key signs and how long it stays published. */
export interface ScheduledKey {
  generation: number;
  /** ISO time it starts signing. */
  activatesAt: string;
}

export interface KeySchedule<K> {
  /** The key that signs at `now`: the newest generation already active. */
  active: K;
  /** Keys to publish: pending ones (so verifiers know them before they sign) and every key whose tokens may still be valid. */
  published: K[];
  /** Keys whose tokens have all expired: safe to delete. */
  retired: K[];
}

/**
 * Splits keys by time. A key signs from its activation until a newer one activates; its tokens
 * live `tokenLifetimeMs` longer, so it stays published that long after it stopped signing.
 */
export function keySchedule<K extends ScheduledKey>(
  keys: readonly K[],
  nowMs: number,
  tokenLifetimeMs: number,
): KeySchedule<K> {
  if (keys.length === 0) throw new Error('no token signing key in the database');
  const byAge = [...keys].sort((a, b) => b.generation - a.generation);
  const activation = (k: K): number => Date.parse(k.activatesAt);
  // With none active yet (only a pending first key), the oldest signs rather than nothing.
  const active = byAge.find((k) => activation(k) <= nowMs) ?? byAge[byAge.length - 1];
  const published: K[] = [];
  const retired: K[] = [];
  // A key stops signing when any newer key activates (in the future for a pending successor).
  let stoppedSigning = Number.POSITIVE_INFINITY;
  for (const key of byAge) {
    if (key === active || stoppedSigning + tokenLifetimeMs > nowMs) published.push(key);
    else retired.push(key);
    stoppedSigning = Math.min(stoppedSigning, activation(key));
  }
  return { active, published, retired };
}
