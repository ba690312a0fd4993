import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { decodeBase64Url } from './base64url';

/** A P-256 public key as a JWK (RFC 7517/7518). */
export interface EcPublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid?: string;
  use?: 'sig';
  alg?: 'ES256';
}

/** A P-256 private key as a JWK; `d` is the secret scalar. */
export interface EcPrivateJwk extends EcPublicJwk {
  d: string;
}

export interface JwkSet {
  keys: EcPublicJwk[];
}

/** A key pair ready to sign ES256 tokens, with its RFC 7638 thumbprint as `kid`. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const COORDINATE_BYTES = 32;

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid: jwkThumbprint(exportPublicJwk(publicKey)), privateKey, publicKey };
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace. */
export function jwkThumbprint(jwk: Pick<EcPublicJwk, 'crv' | 'kty' | 'x' | 'y'>): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

export function isP256Key(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

/** The public half as a JWK carrying kid, use and alg, as served in the JWKS. */
export function exportPublicJwk(key: KeyObject): EcPublicJwk {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (!isP256Key(publicKey)) throw new Error('only P-256 keys are supported');
  const raw = publicKey.export({ format: 'jwk' });
  if (typeof raw.x !== 'string' || typeof raw.y !== 'string') throw new Error('not an EC key');
  const bare = { kty: 'EC' as const, crv: 'P-256' as const, x: raw.x, y: raw.y };
  return { ...bare, kid: jwkThumbprint(bare), use: 'sig', alg: 'ES256' };
}

export function exportPrivateJwk(key: SigningKey): EcPrivateJwk {
  const raw = key.privateKey.export({ format: 'jwk' });
  if (typeof raw.d !== 'string') throw new Error('not an EC private key');
  return { ...exportPublicJwk(key.publicKey), d: raw.d };
}

/** Imports a private JWK (as stored by the token service); throws when it is not a valid P-256 key. */
export function importSigningKey(input: unknown): SigningKey {
  const jwk = parsePublicJwk(input);
  const d = isRecord(input) ? input['d'] : undefined;
  if (!jwk || typeof d !== 'string' || decodeBase64Url(d)?.length !== COORDINATE_BYTES) {
    throw new Error('not a P-256 private JWK');
  }
  const privateKey = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d },
    format: 'jwk',
  });
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
    format: 'jwk',
  });
  // Node keeps the given x/y without deriving them from d; a trial signature proves they belong together.
  const probe = Buffer.from('berth key check');
  if (!verify('sha256', probe, publicKey, sign('sha256', probe, privateKey))) {
    throw new Error('private JWK does not match x/y');
  }
  return { kid: jwkThumbprint(jwk), privateKey, publicKey };
}

/** Imports one public JWK; undefined when it is not a well-formed P-256 signing key. */
export function importPublicJwk(input: unknown): { kid: string; key: KeyObject } | undefined {
  const jwk = parsePublicJwk(input);
  if (!jwk) return undefined;
  try {
    // Node checks that the point lies on the curve.
    const key = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
      format: 'jwk',
    });
    return { kid: jwk.kid ?? jwkThumbprint(jwk), key };
  } catch {
    return undefined;
  }
}

/** Parses a JWKS document; keys that are not P-256 signing keys are skipped, as RFC 7517 §5 allows. */
export function parseJwks(input: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  if (!isRecord(input) || !Array.isArray(input['keys'])) throw new Error('not a JWK set');
  for (const entry of input['keys']) {
    const imported = importPublicJwk(entry);
    if (imported && !keys.has(imported.kid)) keys.set(imported.kid, imported.key);
  }
  return keys;
}

function parsePublicJwk(input: unknown): EcPublicJwk | undefined {
  if (!isRecord(input)) return undefined;
  const { kty, crv, x, y, kid, use, alg } = input;
  if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') {
    return undefined;
  }
  if (decodeBase64Url(x)?.length !== COORDINATE_BYTES) return undefined;
  if (decodeBase64Url(y)?.length !== COORDINATE_BYTES) return undefined;
  if (use !== undefined && use !== 'sig') return undefined;
  if (alg !== undefined && alg !== 'ES256') return undefined;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0)) return undefined;
  return { kty, crv, x, y, ...(kid === undefined ? {} : { kid }) };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
