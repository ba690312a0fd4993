import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeBase64Url } from './base64url';
import { exportPublicJwk, generateSigningKey } from './jwk';
import { JwtError, type JwtRefusal } from './jwt.errors';
import { signJwt, verifyJwt, type JwtPayload } from './jws';

const NOW = 1_800_000_000;
const trusted = generateSigningKey();
const attacker = generateSigningKey();
const keys = new Map([[trusted.kid, trusted.publicKey]]);
const options = { audience: 'berth-registry', issuer: 'berth-token-issuer', now: () => NOW * 1000 };
const claims = (extra: JwtPayload = {}): JwtPayload => ({
  iss: 'berth-token-issuer',
  sub: 'admin',
  aud: 'berth-registry',
  iat: NOW,
  nbf: NOW,
  exp: NOW + 300,
  ...extra,
});

const part = (v: unknown): string => encodeBase64Url(JSON.stringify(v));
/** Builds a compact JWS by hand, so headers and signatures can be anything an attacker sends. */
function craft(header: unknown, payload: unknown, signer: (input: string) => Buffer): string {
  const input = `${part(header)}.${part(payload)}`;
  return `${input}.${encodeBase64Url(signer(input))}`;
}
const es256 =
  (key: KeyObject) =>
  (input: string): Buffer =>
    sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });

async function refusal(token: string, opts = options): Promise<JwtRefusal> {
  try {
    await verifyJwt(token, keys, opts);
  } catch (e) {
    if (e instanceof JwtError) return e.refusal;
    throw e;
  }
  throw new Error('token was accepted');
}

describe('signJwt / verifyJwt', () => {
  it('round-trips a token signed by a trusted key, with header alg ES256, typ JWT and the kid', async () => {
    const token = signJwt(claims({ access: [] }), trusted);
    const verified = await verifyJwt(token, keys, options);
    expect(verified.header).toEqual({ alg: 'ES256', typ: 'JWT', kid: trusted.kid });
    expect(verified.payload).toMatchObject({ sub: 'admin', access: [] });
    expect(verified.expiresAt).toBe(NOW + 300);
  });

  it('accepts a key resolver and an audience array containing ours', async () => {
    const token = signJwt(claims({ aud: ['other', 'berth-registry'] }), trusted);
    await expect(verifyJwt(token, async (kid) => keys.get(kid), options)).resolves.toBeDefined();
  });

  it('refuses alg none, even with an empty signature', async () => {
    const token = `${part({ alg: 'none', typ: 'JWT', kid: trusted.kid })}.${part(claims())}.`;
    expect(await refusal(token)).toBe('unsupported_alg');
  });

  it('refuses HS256 signed with the trusted public key as the HMAC secret', async () => {
    const secret = trusted.publicKey.export({ format: 'pem', type: 'spki' });
    const token = craft({ alg: 'HS256', typ: 'JWT', kid: trusted.kid }, claims(), (input) =>
      createHmac('sha256', secret).update(input).digest(),
    );
    expect(await refusal(token)).toBe('unsupported_alg');
  });

  it.each(['RS256', 'ES384', 'es256', 'EdDSA'])('refuses alg %s', async (alg) => {
    const token = craft({ alg, kid: trusted.kid }, claims(), es256(trusted.privateKey));
    expect(await refusal(token)).toBe('unsupported_alg');
  });

  it('refuses a kid that is not trusted, even with a valid signature by that key', async () => {
    expect(await refusal(signJwt(claims(), attacker))).toBe('unknown_kid');
  });

  it('refuses a token without kid', async () => {
    const token = craft({ alg: 'ES256', typ: 'JWT' }, claims(), es256(trusted.privateKey));
    expect(await refusal(token)).toBe('unknown_kid');
  });

  it.each([
    ['jwk', exportPublicJwk(attacker.publicKey)],
    ['jku', 'https://attacker.example/jwks.json'],
    ['x5u', 'https://attacker.example/cert.pem'],
    ['x5c', ['MIIB']],
  ])('refuses a %s header supplying a key, under a trusted kid', async (name, value) => {
    const token = craft(
      { alg: 'ES256', typ: 'JWT', kid: trusted.kid, [name]: value },
      claims(),
      es256(attacker.privateKey),
    );
    expect(await refusal(token)).toBe('untrusted_key_header');
  });

  it('refuses a signature by another key under the trusted kid', async () => {
    const token = craft(
      { alg: 'ES256', typ: 'JWT', kid: trusted.kid },
      claims(),
      es256(attacker.privateKey),
    );
    expect(await refusal(token)).toBe('bad_signature');
  });

  it('refuses a payload changed after signing', async () => {
    const [h, , s] = signJwt(claims({ sub: 'guest' }), trusted).split('.');
    expect(await refusal(`${h}.${part(claims({ sub: 'admin' }))}.${s}`)).toBe('bad_signature');
  });

  it('refuses a DER-encoded signature (ES256 in JWS is raw r||s)', async () => {
    const token = craft({ alg: 'ES256', typ: 'JWT', kid: trusted.kid }, claims(), (input) =>
      sign('sha256', Buffer.from(input), trusted.privateKey),
    );
    expect(await refusal(token)).toBe('malformed');
  });

  it('refuses a critical header extension', async () => {
    const token = craft(
      { alg: 'ES256', kid: trusted.kid, crit: ['b64'], b64: false },
      claims(),
      es256(trusted.privateKey),
    );
    expect(await refusal(token)).toBe('unsupported_crit');
  });

  it.each([
    ['empty string', ''],
    ['two segments', 'a.b'],
    ['four segments', 'a.b.c.d'],
    ['non-base64url header', '!!!.e30.AAAA'],
    ['header not JSON', `${encodeBase64Url('not json')}.${part({})}.AAAA`],
    ['header a JSON array', `${part(['ES256'])}.${part({})}.AAAA`],
    ['padded segment', `${part({ alg: 'ES256' })}=.${part({})}.AAAA`],
    ['oversized', 'a'.repeat(70_000)],
  ])('refuses a malformed token: %s', async (_name, token) => {
    expect(await refusal(token)).toBe('malformed');
  });

  it('refuses a payload that is not a JSON object', async () => {
    const token = craft({ alg: 'ES256', kid: trusted.kid }, [1, 2], es256(trusted.privateKey));
    expect(await refusal(token)).toBe('malformed');
  });

  it('refuses a token without exp', async () => {
    const { exp: _exp, ...rest } = claims();
    expect(await refusal(signJwt(rest, trusted))).toBe('malformed');
  });

  it('refuses an expired token, allowing at most 30 s of clock skew', async () => {
    expect(await refusal(signJwt(claims({ exp: NOW - 31 }), trusted))).toBe('expired');
    await expect(
      verifyJwt(signJwt(claims({ exp: NOW - 29 }), trusted), keys, options),
    ).resolves.toBeDefined();
    const lax = { ...options, clockToleranceSeconds: 3600 };
    expect(await refusal(signJwt(claims({ exp: NOW - 31 }), trusted), lax)).toBe('expired');
  });

  it('refuses a token that is not yet valid (nbf beyond the leeway)', async () => {
    expect(await refusal(signJwt(claims({ nbf: NOW + 31 }), trusted))).toBe('not_yet_valid');
    await expect(
      verifyJwt(signJwt(claims({ nbf: NOW + 29 }), trusted), keys, options),
    ).resolves.toBeDefined();
  });

  it('refuses a token for another audience, or none', async () => {
    expect(await refusal(signJwt(claims({ aud: 'other-service' }), trusted))).toBe(
      'wrong_audience',
    );
    expect(await refusal(signJwt(claims({ aud: undefined }), trusted))).toBe('wrong_audience');
  });

  it('refuses a token from another issuer', async () => {
    expect(await refusal(signJwt(claims({ iss: 'someone-else' }), trusted))).toBe('wrong_issuer');
  });

  it('refuses a trusted kid that resolves to a non-P-256 key', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const token = signJwt(claims(), trusted);
    await expect(verifyJwt(token, () => publicKey, options)).rejects.toMatchObject({
      refusal: 'unknown_kid',
    });
  });
});
