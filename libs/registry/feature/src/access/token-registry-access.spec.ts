import { describe, expect, it } from 'vitest';
import { OciError } from '@berth/oci';
import { generateSigningKey, signJwt, type JwtPayload } from '@berth/platform/jwt';
import { TokenRegistryAccess } from './token-registry-access';
import { VerifiedTokenCache } from './verified-token.cache';

const key = generateSigningKey();
const NOW = 1_800_000_000;

function setup() {
  let now = NOW * 1000;
  let lookups = 0;
  const access = new TokenRegistryAccess({
    realm: 'https://registry.example/service/token',
    issuer: 'berth-token-issuer',
    keys: (kid) => {
      lookups += 1;
      return kid === key.kid ? key.publicKey : undefined;
    },
    now: () => now,
  });
  return {
    access,
    lookups: () => lookups,
    advance: (seconds: number) => void (now += seconds * 1000),
  };
}

const token = (extra: JwtPayload = {}): string =>
  signJwt(
    {
      iss: 'berth-token-issuer',
      sub: 'admin',
      aud: 'berth-registry',
      iat: NOW,
      nbf: NOW,
      exp: NOW + 300,
      jti: 'j',
      access: [{ type: 'repository', name: 'library/app', actions: ['pull', 'push'] }],
      ...extra,
    },
    key,
  );

async function refused(p: Promise<unknown>): Promise<OciError> {
  const e: unknown = await p.then(
    () => new Error('accepted'),
    (err: unknown) => err,
  );
  if (!(e instanceof OciError)) throw e;
  return e;
}

describe('TokenRegistryAccess', () => {
  it('returns the subject and access of a valid bearer token', async () => {
    const { access } = setup();
    await expect(access.authenticate(`Bearer ${token()}`)).resolves.toEqual({
      subject: 'admin',
      access: [{ type: 'repository', name: 'library/app', actions: ['pull', 'push'] }],
    });
  });

  it('gives an anonymous token (empty sub) no subject', async () => {
    const { access } = setup();
    await expect(access.authenticate(`Bearer ${token({ sub: '', access: [] })}`)).resolves.toEqual({
      access: [],
    });
  });

  it.each([
    ['no header', undefined],
    ['Basic credentials', 'Basic YWRtaW46eA=='],
    ['an empty bearer', 'Bearer '],
    ['garbage', 'Bearer not-a-jwt'],
  ])('refuses %s with UNAUTHORIZED and a challenge carrying the scope', async (_n, header) => {
    const { access } = setup();
    const e = await refused(access.authenticate(header, 'repository:library/app:pull'));
    expect(e.code).toBe('UNAUTHORIZED');
    expect(e.headers['WWW-Authenticate']).toBe(
      'Bearer realm="https://registry.example/service/token",service="berth-registry",scope="repository:library/app:pull"',
    );
  });

  it.each([
    ['another audience', { aud: 'other' }],
    ['another issuer', { iss: 'other' }],
    ['an access claim that is not a list', { access: 'everything' }],
    ['an access entry of an unknown type', { access: [{ type: 'admin', name: 'x', actions: [] }] }],
    ['a non-string sub', { sub: 42 }],
  ])('refuses a token with %s', async (_n, extra) => {
    const { access } = setup();
    expect((await refused(access.authenticate(`Bearer ${token(extra)}`))).code).toBe(
      'UNAUTHORIZED',
    );
  });

  it('verifies a token once and serves repeats from the cache until it expires', async () => {
    const { access, lookups, advance } = setup();
    const t = token();
    await access.authenticate(`Bearer ${t}`);
    await access.authenticate(`Bearer ${t}`);
    await access.authenticate(`bearer ${t}`);
    expect(lookups()).toBe(1);
    advance(301);
    await access.authenticate(`Bearer ${t}`); // within the verifier's 30 s leeway: re-verified
    expect(lookups()).toBe(2);
    advance(60);
    expect((await refused(access.authenticate(`Bearer ${t}`))).code).toBe('UNAUTHORIZED');
  });
});

describe('VerifiedTokenCache', () => {
  it('evicts the least recently used entry beyond its capacity', () => {
    const cache = new VerifiedTokenCache<number>(2, () => 0);
    cache.set('a', 1, 10);
    cache.set('b', 2, 10);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3, 10);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('forgets an entry at its expiry', () => {
    let now = 0;
    const cache = new VerifiedTokenCache<number>(2, () => now);
    cache.set('a', 1, 10);
    now = 10;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
