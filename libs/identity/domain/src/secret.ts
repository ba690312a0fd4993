import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random secret of `length` characters from [A-Za-z0-9] (~5.95 bits each), without modulo bias. */
export function randomSecret(length = 32): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/**
 * SHA-256 for high-entropy secrets (CLI secrets, session ids): no dictionary to defeat, so a
 * memory-hard hash would only add latency. Passwords use password-hash.ts.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Constant-time comparison of two secrets or digests. Both are hashed first, so
 * timingSafeEqual always compares 32 bytes and even a length mismatch takes the same path.
 */
export function sameDigest(a: string, b: string): boolean {
  const x = createHash('sha256').update(a, 'utf8').digest();
  const y = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(x, y);
}

/** The CSRF token of a session: derivable only by whoever holds the (HttpOnly) session id. */
export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('berth-csrf-v1').digest('base64url');
}
