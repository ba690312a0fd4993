/** Harbor's portal session cookie name. */
export const SESSION_COOKIE = 'sid';
/** Harbor's CSRF header: sent back on login, required on cookie-authenticated writes. */
export const CSRF_HEADER = 'X-Harbor-Csrf-Token';

/** The value of cookie `name` in a Cookie header, if present. */
export function readCookie(
  header: string | string[] | undefined,
  name: string,
): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** HttpOnly (no script reads it), SameSite=Lax (no cross-site writes carry it), Secure over HTTPS. */
export function sessionCookie(sessionId: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${sessionId}`,
    'Path=/',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
