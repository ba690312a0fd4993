import { sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64Url, encodeBase64Url } from './base64url';
import { isP256Key, isRecord, type SigningKey } from './jwk';
import { JwtError } from './jwt.errors';

export const JWT_ALGORITHM = 'ES256';
/** Upper bound on accepted clock skew for `nbf`, `iat` and `exp`. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 30;
// Tokens are small; the bound keeps a hostile header from costing parse time.
const MAX_TOKEN_LENGTH = 64 * 1024;
const SIGNATURE_BYTES = 64;
// Header members that carry or point to a key; a token must never choose its own key.
const KEY_CARRYING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'];

export interface JwsHeader {
  alg: typeof JWT_ALGORITHM;
  typ?: string;
  kid: string;
}

export type JwtPayload = Record<string, unknown>;

/** Looks up a trusted verification key by `kid`; undefined when the kid is not trusted. */
export type KeyResolver = (kid: string) => KeyObject | undefined | Promise<KeyObject | undefined>;

export interface VerifyOptions {
  audience: string;
  issuer: string;
  /** Current time in ms since the epoch; injectable for tests. */
  now?: () => number;
  /** Allowed clock skew in seconds (default and maximum 30). */
  clockToleranceSeconds?: number;
}

export interface VerifiedJwt {
  header: JwsHeader;
  payload: JwtPayload;
  /** `exp` in seconds since the epoch. */
  expiresAt: number;
}

/** Signs the payload as a compact JWS with ES256 and `kid` set to the key's thumbprint. */
export function signJwt(payload: JwtPayload, key: SigningKey): string {
  const header: JwsHeader = { alg: JWT_ALGORITHM, typ: 'JWT', kid: key.kid };
  const input = `${encodeBase64Url(JSON.stringify(header))}.${encodeBase64Url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(input, 'ascii'), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${encodeBase64Url(signature)}`;
}

/**
 * Verifies a compact ES256 JWS against trusted keys and checks exp, nbf, aud and iss.
 * Throws JwtError naming the first refusal.
 */
export async function verifyJwt(
  token: string,
  keys: KeyResolver | ReadonlyMap<string, KeyObject>,
  options: VerifyOptions,
): Promise<VerifiedJwt> {
  const { header, payload, signingInput, signature } = decodeJws(token);
  const resolve: KeyResolver = typeof keys === 'function' ? keys : (kid) => keys.get(kid);
  const key = await resolve(header.kid);
  if (!key || key.type !== 'public' || !isP256Key(key)) {
    throw new JwtError('unknown_kid', 'token key id is not trusted');
  }
  const valid = verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!valid) throw new JwtError('bad_signature', 'token signature is invalid');
  const expiresAt = checkClaims(payload, options);
  return { header, payload, expiresAt };
}

interface DecodedJws {
  header: JwsHeader;
  payload: JwtPayload;
  signingInput: Buffer;
  signature: Buffer;
}

function decodeJws(token: string): DecodedJws {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
    throw new JwtError('malformed', 'token is not a compact JWS');
  }
  const segments = token.split('.');
  if (segments.length !== 3) throw new JwtError('malformed', 'token is not a compact JWS');
  const [headerPart, payloadPart, signaturePart] = segments;
  const rawHeader = decodeJson(headerPart);
  if (!isRecord(rawHeader)) throw new JwtError('malformed', 'token header is not a JSON object');
  const header = checkHeader(rawHeader);
  const payload = decodeJson(payloadPart);
  if (!isRecord(payload)) throw new JwtError('malformed', 'token payload is not a JSON object');
  const signature = decodeBase64Url(signaturePart);
  if (!signature || signature.length !== SIGNATURE_BYTES) {
    throw new JwtError('malformed', 'token signature is not an ES256 signature');
  }
  return {
    header,
    payload,
    signingInput: Buffer.from(`${headerPart}.${payloadPart}`, 'ascii'),
    signature,
  };
}

function checkHeader(header: Record<string, unknown>): JwsHeader {
  // Only ES256: `none` and HMAC would let a public key act as a shared secret.
  if (header['alg'] !== JWT_ALGORITHM) {
    throw new JwtError('unsupported_alg', 'token algorithm must be ES256');
  }
  if (KEY_CARRYING_HEADERS.some((name) => name in header)) {
    throw new JwtError('untrusted_key_header', 'token must not carry or reference a key');
  }
  // RFC 7515 §4.1.11: extensions we do not understand must be refused.
  if ('crit' in header) throw new JwtError('unsupported_crit', 'token has critical extensions');
  const { kid, typ } = header;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) {
    throw new JwtError('unknown_kid', 'token has no key id');
  }
  if (typ !== undefined && (typeof typ !== 'string' || typ.toUpperCase() !== 'JWT')) {
    throw new JwtError('malformed', 'token type is not JWT');
  }
  return { alg: JWT_ALGORITHM, kid, ...(typ === undefined ? {} : { typ }) };
}

function checkClaims(payload: JwtPayload, options: VerifyOptions): number {
  const tolerance = Math.min(
    Math.max(options.clockToleranceSeconds ?? MAX_CLOCK_TOLERANCE_SECONDS, 0),
    MAX_CLOCK_TOLERANCE_SECONDS,
  );
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  const { exp, nbf, aud, iss } = payload;
  // A token without exp would be valid forever.
  if (!isNumericDate(exp)) throw new JwtError('malformed', 'token has no valid exp');
  if (now >= exp + tolerance) throw new JwtError('expired', 'token has expired');
  if (nbf !== undefined) {
    if (!isNumericDate(nbf)) throw new JwtError('malformed', 'token nbf is not a date');
    if (now + tolerance < nbf) throw new JwtError('not_yet_valid', 'token is not yet valid');
  }
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.some((a) => a === options.audience)) {
    throw new JwtError('wrong_audience', 'token is meant for another audience');
  }
  if (iss !== options.issuer) throw new JwtError('wrong_issuer', 'token has another issuer');
  return exp;
}

function isNumericDate(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function decodeJson(segment: string): unknown {
  const bytes = decodeBase64Url(segment);
  if (!bytes || bytes.length === 0)
    throw new JwtError('malformed', 'token segment is not base64url');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new JwtError('malformed', 'token segment is not JSON');
  }
}
