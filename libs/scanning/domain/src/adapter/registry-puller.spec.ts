import { createHash } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { RegistryPullError, RegistryPuller } from './registry-puller';

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const MANIFEST = JSON.stringify({ schemaVersion: 2, layers: [] });
const BLOB = Buffer.from('layer bytes');
const BASIC = `Basic ${Buffer.from('robot$p+scan:secret').toString('base64')}`;

/** A registry that wants a Bearer token its realm gives for BASIC, and logs every call. */
function fakeRegistry(blob = BLOB) {
  const calls: Array<{ url: string; authorization?: string }> = [];
  const fetchFn = (async (input: string | URL, init?: RequestInit) => {
    const url = String(input);
    const authorization = (init?.headers as Record<string, string> | undefined)?.authorization;
    calls.push({ url, authorization });
    if (url.startsWith('https://auth.example/token')) {
      return authorization === BASIC
        ? Response.json({ token: 'pull-token' })
        : new Response('no', { status: 401 });
    }
    if (authorization !== 'Bearer pull-token')
      return new Response('', {
        status: 401,
        headers: {
          'www-authenticate': 'Bearer realm="https://auth.example/token",service="registry"',
        },
      });
    if (url.endsWith(`/manifests/${sha256(MANIFEST)}`)) return new Response(MANIFEST);
    if (url.includes('/blobs/')) return new Response(blob);
    return new Response('', { status: 404 });
  }) as typeof fetch;
  return { calls, fetchFn };
}

const target = {
  registryUrl: new URL('https://registry.example/'),
  authorization: BASIC,
  repository: 'p/app',
};

describe('RegistryPuller', () => {
  it('exchanges Basic credentials for a pull token of the repository and reads the manifest', async () => {
    const { calls, fetchFn } = fakeRegistry();
    const puller = new RegistryPuller(target, { fetch: fetchFn });
    expect(await puller.manifest(sha256(MANIFEST))).toEqual(JSON.parse(MANIFEST));
    const token = new URL(calls[1].url);
    expect(token.searchParams.get('scope')).toBe('repository:p/app:pull');
    expect(token.searchParams.get('service')).toBe('registry');
    expect(calls[2]).toEqual({
      url: `https://registry.example/v2/p/app/manifests/${sha256(MANIFEST)}`,
      authorization: 'Bearer pull-token',
    });
  });

  it('streams a blob whose bytes match its digest', async () => {
    const { fetchFn } = fakeRegistry();
    const stream = await new RegistryPuller(target, { fetch: fetchFn }).open(sha256(BLOB));
    expect(await text(stream)).toBe('layer bytes');
  });

  it('fails a blob whose bytes do not match', async () => {
    const { fetchFn } = fakeRegistry(Buffer.from('other bytes'));
    const stream = await new RegistryPuller(target, { fetch: fetchFn }).open(sha256(BLOB));
    await expect(text(stream)).rejects.toThrow(/arrived as sha256:/);
  });

  it('refuses a manifest that is not the digest asked for', async () => {
    const { fetchFn } = fakeRegistry();
    const wrong = sha256('something else');
    const swapping = (async (input: string | URL, init?: RequestInit) =>
      String(input).includes('/manifests/') &&
      (init?.headers as Record<string, string>).authorization === 'Bearer pull-token'
        ? new Response(MANIFEST)
        : fetchFn(input, init)) as typeof fetch;
    await expect(new RegistryPuller(target, { fetch: swapping }).manifest(wrong)).rejects.toThrow(
      /does not match/,
    );
  });

  it('reports refused credentials', async () => {
    const { fetchFn } = fakeRegistry();
    const puller = new RegistryPuller(
      { ...target, authorization: 'Basic d3Jvbmc6d3Jvbmc=' },
      { fetch: fetchFn },
    );
    await expect(puller.manifest(sha256(MANIFEST))).rejects.toThrow(RegistryPullError);
    await expect(
      new RegistryPuller({ ...target, authorization: 'Bearer stale' }, { fetch: fetchFn }).manifest(
        sha256(MANIFEST),
      ),
    ).rejects.toThrow(/refused manifests \(401\)/);
  });
});
