/** Harbor's `duration` (days, -1 for never) and `expires_at` (Unix seconds, -1 for never). */
export const NEVER_EXPIRES = -1;
export const MAX_DURATION_DAYS = 36500;

export function durationError(duration: unknown): string | undefined {
  if (
    typeof duration !== 'number' ||
    !Number.isInteger(duration) ||
    (duration !== NEVER_EXPIRES && (duration < 1 || duration > MAX_DURATION_DAYS))
  )
    return `duration must be -1 (never expires) or 1 to ${MAX_DURATION_DAYS} days`;
  return undefined;
}

/** The expiry of a robot created (or re-timed) at `from` for `duration` days. */
export function expiresAtFor(duration: number, from: Date): number {
  if (duration === NEVER_EXPIRES) return NEVER_EXPIRES;
  return Math.floor(from.getTime() / 1000) + duration * 86_400;
}

export function isExpired(expiresAt: number, now: Date): boolean {
  return expiresAt !== NEVER_EXPIRES && Math.floor(now.getTime() / 1000) >= expiresAt;
}
