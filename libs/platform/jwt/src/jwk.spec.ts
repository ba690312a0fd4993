import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  exportPrivateJwk,
  exportPublicJwk,
  generateSigningKey,
  importPublicJwk,
  importSigningKey,
  jwkThumbprint,
  parseJwks,
} from './jwk';

describe('JWK', () => {
  it('computes the RFC 7638 thumbprint over crv, kty, x, y in that order', () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'abc', y: 'def' } as const;
    const expected = createHash('sha256')
      .update('{"crv":"P-256","kty":"EC","x":"abc","y":"def"}')
      .digest('base64url');
    expect(jwkThumbprint(jwk)).toBe(expected);
  });

  it('uses the thumbprint as kid, and exports the public key with use sig and alg ES256', () => {
    const key = generateSigningKey();
    const jwk = exportPublicJwk(key.publicKey);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: key.kid, use: 'sig', alg: 'ES256' });
    expect(jwk).not.toHaveProperty('d');
    expect(jwkThumbprint(jwk)).toBe(key.kid);
  });

  it('round-trips a private JWK to the same key id', () => {
    const key = generateSigningKey();
    const restored = importSigningKey(JSON.parse(JSON.stringify(exportPrivateJwk(key))));
    expect(restored.kid).toBe(key.kid);
  });

  it('refuses a private JWK whose d does not match x/y', () => {
    const a = exportPrivateJwk(generateSigningKey());
    const b = exportPrivateJwk(generateSigningKey());
    expect(() => importSigningKey({ ...a, d: b.d })).toThrow();
  });

  it('parses a JWKS, skipping keys that are not P-256 signing keys', () => {
    const good = exportPublicJwk(generateSigningKey().publicKey);
    const other = exportPublicJwk(generateSigningKey().publicKey);
    const keys = parseJwks({
      keys: [
        good,
        { ...other, use: 'enc' },
        { kty: 'RSA', n: 'x', e: 'AQAB', kid: 'rsa' },
        { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
        { ...other, crv: 'P-384' },
        { ...other, x: 'AAAA' },
      ],
    });
    expect([...keys.keys()]).toEqual([good.kid]);
    expect(() => parseJwks({ keys: 'nope' })).toThrow();
  });

  it('refuses a point that is not on the curve', () => {
    const jwk = exportPublicJwk(generateSigningKey().publicKey);
    const y = Buffer.from(jwk.y, 'base64url');
    y[31] ^= 1;
    expect(importPublicJwk({ ...jwk, y: y.toString('base64url') })).toBeUndefined();
  });
});
