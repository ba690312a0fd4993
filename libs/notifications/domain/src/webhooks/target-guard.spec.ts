import { describe, expect, it, vi } from 'vitest';
import { checkWebhookTarget, forbiddenAddressReason, type Resolver } from './target-guard';
import { redirectTarget } from './webhook-sender';

/** A resolver backed by a fixed table; names not in it fail the way DNS does. */
function fakeResolver(table: Record<string, string[]>): Resolver {
  return async (hostname) => {
    const answers = table[hostname];
    if (!answers)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

describe('forbiddenAddressReason', () => {
  it.each([
    ['0.0.0.0', /this network/],
    ['0.1.2.3', /this network/],
    ['10.0.0.1', /RFC 1918/],
    ['10.255.255.255', /RFC 1918/],
    ['100.64.0.1', /CGNAT/],
    ['100.127.255.254', /CGNAT/],
    ['127.0.0.1', /loopback/],
    ['127.255.0.9', /loopback/],
    ['169.254.0.1', /link-local/],
    ['169.254.169.254', /cloud metadata/],
    ['172.16.0.1', /RFC 1918/],
    ['172.31.255.255', /RFC 1918/],
    ['192.0.0.8', /IETF protocol/],
    ['192.0.2.1', /documentation/],
    ['192.168.1.1', /RFC 1918/],
    ['198.18.0.1', /benchmarking/],
    ['198.19.255.255', /benchmarking/],
    ['198.51.100.7', /documentation/],
    ['203.0.113.9', /documentation/],
    ['224.0.0.251', /multicast/],
    ['239.255.255.250', /multicast/],
    ['240.0.0.1', /reserved/],
    ['255.255.255.255', /broadcast/],
    ['::', /unspecified/],
    ['::1', /loopback/],
    ['0:0:0:0:0:0:0:1', /loopback/],
    ['fc00::1', /unique local/],
    ['fd12:3456:789a::1', /unique local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['FEBF::1', /link-local/],
    ['fec0::1', /site-local/],
    ['ff02::1', /multicast/],
    ['2001:db8::1', /documentation/],
    ['100::1', /discard-only/],
    ['::ffff:127.0.0.1', /loopback.*embedded/],
    ['::ffff:7f00:1', /loopback.*embedded/],
    ['::ffff:a9fe:a9fe', /cloud metadata/],
    ['::ffff:10.1.2.3', /RFC 1918/],
    ['::127.0.0.1', /loopback.*embedded/],
    ['::10.0.0.1', /RFC 1918/],
    ['64:ff9b::127.0.0.1', /loopback.*embedded/],
    ['64:ff9b::c0a8:101', /RFC 1918/],
    ['2002:7f00:1::', /loopback.*embedded/],
    ['2002:c0a8:0101::1', /RFC 1918/],
    ['2001::1', /Teredo/],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
    ['3fff:0fff::1', /documentation/],
    ['4000::1', /reserved/],
  ])('%s is refused', (ip, reason) => {
    expect(forbiddenAddressReason(ip)).toMatch(reason);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    PUBLIC_V4,
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '169.253.255.255',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    PUBLIC_V6,
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '64:ff9b::8.8.8.8',
    '2002:0808:0808::1',
  ])('%s is public', (ip) => {
    expect(forbiddenAddressReason(ip)).toBeUndefined();
  });

  it.each([
    '',
    'localhost',
    '127.1',
    '2130706433',
    '1.2.3.256',
    '1::2::3',
    '::ffff:1.2.3',
    'fe80::g',
    '[::1',
  ])('refuses what is not an IP address: %j', (text) => {
    expect(forbiddenAddressReason(text)).toBe('not an IP address');
  });

  it('accepts a bracketed IPv6 literal', () => {
    expect(forbiddenAddressReason('[::1]')).toMatch(/loopback/);
  });
});

describe('checkWebhookTarget', () => {
  const resolve = fakeResolver({
    'hooks.example.com': [PUBLIC_V4, PUBLIC_V6],
    'internal.example.com': ['10.0.0.7'],
    'mixed.example.com': [PUBLIC_V4, '127.0.0.1'],
    'mixed6.example.com': [PUBLIC_V6, 'fe80::1%eth0'],
    'metadata.example.com': ['169.254.169.254'],
    localhost: ['127.0.0.1', '::1'],
    'empty.example.com': [],
    'garbage.example.com': ['not-an-ip'],
  });
  const deny = { allowPrivate: false, resolve };
  const allow = { allowPrivate: true, resolve };

  it('accepts a public name and pins every address it resolved to', async () => {
    const check = await checkWebhookTarget('https://hooks.example.com/harbor?x=1', deny);
    expect(check).toEqual({
      ok: true,
      url: new URL('https://hooks.example.com/harbor?x=1'),
      addresses: [
        { address: PUBLIC_V4, family: 4 },
        { address: PUBLIC_V6, family: 6 },
      ],
    });
  });

  it('checks a literal public IP without asking DNS', async () => {
    const spy = vi.fn(resolve);
    const check = await checkWebhookTarget(`http://${PUBLIC_V4}:8080/`, {
      allowPrivate: false,
      resolve: spy,
    });
    expect(check).toMatchObject({ ok: true, addresses: [{ address: PUBLIC_V4, family: 4 }] });
    expect(spy).not.toHaveBeenCalled();
  });

  it.each([
    ['http://127.0.0.1/', /loopback/],
    ['http://10.1.2.3/', /RFC 1918/],
    ['http://169.254.169.254/latest/meta-data/', /cloud metadata/],
    ['http://[::1]:8080/', /loopback/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[::ffff:7f00:1]/', /loopback/],
    ['http://[::ffff:192.168.0.1]/', /RFC 1918/],
    ['http://[64:ff9b::a00:1]/', /RFC 1918/],
    ['http://[2002:a9fe:a9fe::]/', /cloud metadata/],
    ['http://[fd00::1]/', /unique local/],
    ['http://0.0.0.0:80/', /this network/],
    ['http://2130706433/', /loopback/],
    ['http://0x7f.1/', /loopback/],
    ['http://127.1/', /loopback/],
    ['http://0177.0.0.1/', /loopback/],
    ['http://0xa9fea9fe/', /cloud metadata/],
    ['http://3232235777/', /RFC 1918/],
  ])('refuses %s', async (address, reason) => {
    const check = await checkWebhookTarget(address, deny);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
  });

  it('reads decimal, hex and short IPv4 forms the way WHATWG URL does', () => {
    for (const form of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://127.1/',
      'http://0177.0.0.1/',
    ]) {
      expect(new URL(form).hostname).toBe('127.0.0.1');
    }
  });

  it.each([
    ['internal.example.com', /resolves to 10\.0\.0\.7 \(private address/],
    ['metadata.example.com', /cloud metadata/],
    ['localhost', /resolves to 127\.0\.0\.1 \(loopback/],
    ['mixed.example.com', /resolves to 127\.0\.0\.1/],
    ['mixed6.example.com', /resolves to fe80::1 \(link-local/],
  ])('refuses %s when any answer is not public', async (host, reason) => {
    const check = await checkWebhookTarget(`https://${host}/hook`, deny);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
  });

  it('with allowPrivate accepts private and loopback targets', async () => {
    for (const address of [
      'http://127.0.0.1:9000/',
      'http://[::1]/',
      'https://internal.example.com/',
      'http://mixed.example.com/',
    ]) {
      expect((await checkWebhookTarget(address, allow)).ok).toBe(true);
    }
  });

  it.each([
    ['file:///etc/passwd', /scheme "file:"/],
    ['ftp://hooks.example.com/', /scheme "ftp:"/],
    ['gopher://hooks.example.com:70/_x', /scheme "gopher:"/],
    ['javascript:alert(1)', /scheme "javascript:"/],
    ['https://user:secret@hooks.example.com/', /credentials/],
    ['https://user@hooks.example.com/', /credentials/],
    ['not a url', /not a valid URL/],
    ['/relative/path', /not a valid URL/],
    [
      'http://nowhere.example.com/',
      /could not resolve nowhere\.example\.com: getaddrinfo ENOTFOUND/,
    ],
    ['http://empty.example.com/', /did not resolve to any address/],
    ['http://garbage.example.com/', /invalid address "not-an-ip"/],
  ])('refuses %s even with allowPrivate', async (address, reason) => {
    for (const opts of [deny, allow]) {
      const check = await checkWebhookTarget(address, opts);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toMatch(reason);
    }
  });

  it('pins the first answer so a later, rebound answer cannot be used', async () => {
    const answers = [[PUBLIC_V4], ['127.0.0.1']];
    const rebinding: Resolver = async () =>
      (answers.shift() ?? []).map((address) => ({ address, family: 4 as const }));
    const check = await checkWebhookTarget('https://rebind.example.com/', {
      allowPrivate: false,
      resolve: rebinding,
    });
    expect(check).toMatchObject({ ok: true, addresses: [{ address: PUBLIC_V4, family: 4 }] });
    // The name now points at loopback; a second check sees it, and the pinned result did not change.
    const again = await checkWebhookTarget('https://rebind.example.com/', {
      allowPrivate: false,
      resolve: rebinding,
    });
    expect(again).toMatchObject({ ok: false, reason: expect.stringMatching(/loopback/) });
    expect(check).toMatchObject({ ok: true, addresses: [{ address: PUBLIC_V4 }] });
  });
});

describe('redirect re-check', () => {
  const resolve = fakeResolver({
    'hooks.example.com': [PUBLIC_V4],
    'cdn.example.net': [PUBLIC_V6],
    'internal.example.com': ['192.168.10.20'],
  });
  const current = new URL('https://hooks.example.com/harbor/events');

  /** What the sender does with a redirect: decide whether to follow, then run the guard again. */
  async function followable(location: string, status = 307): Promise<string> {
    const decision = redirectTarget(current, location, status);
    if (!decision.follow) return `not followed: ${decision.reason}`;
    const check = await checkWebhookTarget(decision.url.href, { allowPrivate: false, resolve });
    return check.ok ? `follow ${decision.url.href}` : `refused: ${check.reason}`;
  }

  it.each([
    ['/v2/events', 'follow https://hooks.example.com/v2/events'],
    ['other?x=1', 'follow https://hooks.example.com/harbor/other?x=1'],
    ['https://cdn.example.net/in', 'follow https://cdn.example.net/in'],
    ['http://127.0.0.1:8080/admin', 'refused: 127.0.0.1 is not allowed (loopback address)'],
    [
      'http://169.254.169.254/latest/meta-data/',
      'refused: 169.254.169.254 is not allowed (cloud metadata address)',
    ],
    [
      'http://[::ffff:10.0.0.1]/',
      'refused: ::ffff:a00:1 is not allowed (private address (RFC 1918) embedded in IPv6)',
    ],
    ['http://0x7f000001/', 'refused: 127.0.0.1 is not allowed (loopback address)'],
    [
      'https://internal.example.com/',
      'refused: internal.example.com resolves to 192.168.10.20 (private address (RFC 1918))',
    ],
    ['file:///etc/passwd', 'refused: scheme "file:" is not allowed; use http or https'],
    ['gopher://hooks.example.com/', 'refused: scheme "gopher:" is not allowed; use http or https'],
    [
      'https://u:p@hooks.example.com/',
      'refused: credentials in the URL are not allowed; use an auth header',
    ],
  ])('307 to %s: %s', async (location, outcome) => {
    expect(await followable(location)).toBe(outcome);
  });

  it('follows 307 and 308 only, and tells whether the origin stays the same', () => {
    expect(redirectTarget(current, '/x', 308)).toEqual({
      follow: true,
      url: new URL('https://hooks.example.com/x'),
      sameOrigin: true,
    });
    expect(redirectTarget(current, 'http://hooks.example.com/x', 307)).toMatchObject({
      sameOrigin: false,
    });
    expect(redirectTarget(current, 'https://hooks.example.com:8443/x', 307)).toMatchObject({
      sameOrigin: false,
    });
    for (const status of [301, 302, 303]) {
      expect(redirectTarget(current, '/x', status)).toEqual({
        follow: false,
        reason: `redirected (${status}) to https://hooks.example.com/x; not followed`,
      });
    }
    expect(redirectTarget(current, 'http://[::1', 307)).toEqual({
      follow: false,
      reason: 'redirected (307) to an invalid location',
    });
  });
});
