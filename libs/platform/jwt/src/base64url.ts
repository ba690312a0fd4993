const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Strict base64url decoding: Buffer.from silently skips bad characters, which a verifier must not. */
export function decodeBase64Url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Non-canonical trailing bits would let two strings decode to the same bytes.
  return bytes.toString('base64url') === text ? bytes : undefined;
}

export function encodeBase64Url(data: Buffer | string): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64url');
}
