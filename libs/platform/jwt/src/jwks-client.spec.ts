import { describe, expect, it } from 'vitest';
import { exportPublicJwk, generateSigningKey, type SigningKey } from './jwk';
import { JwksClient } from './jwks-client';

function fakeServer(initial: SigningKey[]) {
  let served = initial;
  let calls = 0;
  let failing = false;
  const fetchFn = (async () => {
    calls += 1;
    if (failing) return new Response('down', { status: 503 });
    return Response.json({ keys: served.map((k) => exportPublicJwk(k.publicKey)) });
  }) as typeof fetch;
  return {
    fetchFn,
    calls: () => calls,
    serve: (keys: SigningKey[]) => void (served = keys),
    fail: (v: boolean) => void (failing = v),
  };
}

describe('JwksClient', () => {
  it('fetches once and serves known kids from its cache', async () => {
    const a = generateSigningKey();
    const server = fakeServer([a]);
    const client = new JwksClient('http://auth/service/keys', { fetch: server.fetchFn });
    expect(await client.resolve(a.kid)).toBeDefined();
    expect(await client.resolve(a.kid)).toBeDefined();
    expect(server.calls()).toBe(1);
  });

  it('refetches on an unknown kid so a rotated key is trusted, at most once per interval', async () => {
    let now = 0;
    const a = generateSigningKey();
    const b = generateSigningKey();
    const server = fakeServer([a]);
    const client = new JwksClient('http://auth/service/keys', {
      fetch: server.fetchFn,
      now: () => now,
    });
    await client.resolve(a.kid);
    server.serve([a, b]);
    now = 10_000;
    expect(await client.resolve(b.kid)).toBeDefined();
    expect(server.calls()).toBe(2);

    // A flood of unknown kids costs one fetch per interval, not one per token.
    now = 12_000;
    const results = await Promise.all(Array.from({ length: 20 }, () => client.resolve('unknown')));
    expect(results.every((r) => r === undefined)).toBe(true);
    expect(await client.resolve('unknown')).toBeUndefined();
    expect(server.calls()).toBe(2);
    now = 20_000;
    await client.resolve('unknown');
    expect(server.calls()).toBe(3);
  });

  it('shares one fetch between concurrent lookups', async () => {
    const a = generateSigningKey();
    const server = fakeServer([a]);
    const client = new JwksClient('http://auth/service/keys', { fetch: server.fetchFn });
    await Promise.all(Array.from({ length: 10 }, () => client.resolve(a.kid)));
    expect(server.calls()).toBe(1);
  });

  it('keeps the last good key set while the JWKS endpoint fails', async () => {
    let now = 0;
    const a = generateSigningKey();
    const server = fakeServer([a]);
    const client = new JwksClient('http://auth/service/keys', {
      fetch: server.fetchFn,
      now: () => now,
      maxAgeMs: 60_000,
    });
    await client.resolve(a.kid);
    server.fail(true);
    now = 120_000;
    expect(await client.resolve(a.kid)).toBeDefined();
    expect(server.calls()).toBe(2);
  });

  it('drops a removed key once the cached set is older than maxAge', async () => {
    let now = 0;
    const a = generateSigningKey();
    const b = generateSigningKey();
    const server = fakeServer([a]);
    const client = new JwksClient('http://auth/service/keys', {
      fetch: server.fetchFn,
      now: () => now,
      maxAgeMs: 60_000,
    });
    await client.resolve(a.kid);
    server.serve([b]);
    now = 60_000;
    expect(await client.resolve(a.kid)).toBeUndefined();
  });
});
