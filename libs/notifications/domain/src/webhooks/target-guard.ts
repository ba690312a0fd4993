import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;

export type TargetCheck =
  | { ok: true; url: URL; addresses: Array<{ address: string; family: 4 | 6 }> }
  | { ok: false; reason: string };

export interface CheckWebhookTargetOptions {
  allowPrivate: boolean;
  resolve?: Resolver;
}

export const systemResolver: Resolver = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

interface Ipv4Range {
  base: number;
  prefix: number;
  reason: string;
}

const RFC1918 = 'private address (RFC 1918)';
const DOCUMENTATION = 'documentation address';

// Order matters: the first matching range names the reason, so narrow ranges come first.
const FORBIDDEN_V4: readonly Ipv4Range[] = [
  { base: parseIpv4('169.254.169.254'), prefix: 32, reason: 'cloud metadata address' },
  { base: parseIpv4('255.255.255.255'), prefix: 32, reason: 'broadcast address' },
  { base: parseIpv4('0.0.0.0'), prefix: 8, reason: '"this network" address' },
  { base: parseIpv4('10.0.0.0'), prefix: 8, reason: RFC1918 },
  { base: parseIpv4('100.64.0.0'), prefix: 10, reason: 'shared address space (CGNAT, RFC 6598)' },
  { base: parseIpv4('127.0.0.0'), prefix: 8, reason: 'loopback address' },
  { base: parseIpv4('169.254.0.0'), prefix: 16, reason: 'link-local address' },
  { base: parseIpv4('172.16.0.0'), prefix: 12, reason: RFC1918 },
  { base: parseIpv4('192.0.0.0'), prefix: 24, reason: 'IETF protocol assignment (RFC 6890)' },
  { base: parseIpv4('192.0.2.0'), prefix: 24, reason: DOCUMENTATION },
  { base: parseIpv4('192.168.0.0'), prefix: 16, reason: RFC1918 },
  { base: parseIpv4('198.18.0.0'), prefix: 15, reason: 'benchmarking address (RFC 2544)' },
  { base: parseIpv4('198.51.100.0'), prefix: 24, reason: DOCUMENTATION },
  { base: parseIpv4('203.0.113.0'), prefix: 24, reason: DOCUMENTATION },
  { base: parseIpv4('224.0.0.0'), prefix: 4, reason: 'multicast address' },
  { base: parseIpv4('240.0.0.0'), prefix: 4, reason: 'reserved address' },
];

interface Ipv6Range {
  bytes: Uint8Array;
  prefix: number;
  reason: string;
}

const FORBIDDEN_V6: readonly Ipv6Range[] = [
  v6Range('2001:db8::', 32, DOCUMENTATION),
  v6Range('3fff::', 20, DOCUMENTATION),
  // Teredo embeds a relay and an obfuscated client address; no webhook needs to reach one.
  v6Range('2001::', 32, 'Teredo tunnelling address'),
  v6Range('100::', 64, 'discard-only address (RFC 6666)'),
  v6Range('64:ff9b:1::', 48, 'local-use NAT64 address (RFC 8215)'),
  v6Range('fc00::', 7, 'unique local address'),
  v6Range('fe80::', 10, 'link-local address'),
  v6Range('fec0::', 10, 'site-local address'),
  v6Range('ff00::', 8, 'multicast address'),
];

// Addresses that carry an IPv4 address in their low 32 bits are judged by that address.
const EMBEDDING_V6: ReadonlyArray<{ bytes: Uint8Array; prefix: number; offset: number }> = [
  { ...v6Range('::ffff:0:0', 96, ''), offset: 12 },
  { ...v6Range('::ffff:0:0:0', 96, ''), offset: 12 },
  { ...v6Range('64:ff9b::', 96, ''), offset: 12 },
  { ...v6Range('::', 96, ''), offset: 12 },
  { ...v6Range('2002::', 16, ''), offset: 2 },
];

const GLOBAL_UNICAST_V6 = v6Range('2000::', 3, '');

/** Why an IP address must not be a webhook target, or undefined when it is a public address. */
export function forbiddenAddressReason(ip: string): string | undefined {
  const literal = stripZone(ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip);
  const family = isIP(literal);
  if (family === 4) return ipv4Reason(parseIpv4(literal));
  if (family === 6) {
    const bytes = parseIpv6(literal);
    return bytes ? ipv6Reason(bytes) : 'not an IP address';
  }
  return 'not an IP address';
}

/**
 * Decides whether a webhook URL may be delivered to and pins the addresses it resolved to,
 * so the sender connects exactly where the check looked.
 */
export async function checkWebhookTarget(
  address: string,
  opts: CheckWebhookTargetOptions,
): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `scheme "${url.protocol}" is not allowed; use http or https` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'credentials in the URL are not allowed; use an auth header' };
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') return { ok: false, reason: 'the URL has no host' };

  let addresses: ResolvedAddress[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  } else {
    const resolved = await resolveHost(host, opts.resolve ?? systemResolver);
    if (!resolved.ok) return resolved;
    addresses = resolved.addresses;
  }

  for (const a of addresses) {
    const reason = forbiddenAddressReason(a.address);
    if (reason === 'not an IP address') {
      return { ok: false, reason: `${host} resolved to an invalid address "${a.address}"` };
    }
    if (reason !== undefined && !opts.allowPrivate) {
      return host === a.address
        ? { ok: false, reason: `${host} is not allowed (${reason})` }
        : { ok: false, reason: `${host} resolves to ${a.address} (${reason})` };
    }
  }
  return { ok: true, url, addresses };
}

async function resolveHost(
  host: string,
  resolve: Resolver,
): Promise<{ ok: true; addresses: ResolvedAddress[] } | { ok: false; reason: string }> {
  let answers: Array<{ address: string; family: 4 | 6 }>;
  try {
    answers = await resolve(host);
  } catch (err: unknown) {
    const detail = err instanceof Error ? `: ${err.message}` : '';
    return { ok: false, reason: `could not resolve ${host}${detail}` };
  }
  if (answers.length === 0) return { ok: false, reason: `${host} did not resolve to any address` };
  const addresses = answers.map((a) => {
    const address = stripZone(a.address);
    return { address, family: isIP(address) === 6 ? 6 : 4 } satisfies ResolvedAddress;
  });
  return { ok: true, addresses };
}

function ipv4Reason(value: number): string | undefined {
  for (const range of FORBIDDEN_V4) {
    if (prefixMatchesV4(value, range.base, range.prefix)) return range.reason;
  }
  return undefined;
}

function ipv6Reason(bytes: Uint8Array): string | undefined {
  if (bytes.every((b) => b === 0)) return 'unspecified address';
  if (bytes.subarray(0, 15).every((b) => b === 0) && bytes[15] === 1) return 'loopback address';
  for (const embedding of EMBEDDING_V6) {
    if (prefixMatchesV6(bytes, embedding.bytes, embedding.prefix)) {
      const o = embedding.offset;
      const embedded =
        ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
      const reason = ipv4Reason(embedded);
      return reason === undefined ? undefined : `${reason} embedded in IPv6`;
    }
  }
  for (const range of FORBIDDEN_V6) {
    if (prefixMatchesV6(bytes, range.bytes, range.prefix)) return range.reason;
  }
  // Everything outside 2000::/3 is reserved by IANA and never a public host.
  if (!prefixMatchesV6(bytes, GLOBAL_UNICAST_V6.bytes, GLOBAL_UNICAST_V6.prefix)) {
    return 'reserved IPv6 address';
  }
  return undefined;
}

function prefixMatchesV4(value: number, base: number, prefix: number): boolean {
  if (prefix === 0) return true;
  const mask = prefix === 32 ? 0xffffffff : ~(0xffffffff >>> prefix) >>> 0;
  return (value & mask) >>> 0 === (base & mask) >>> 0;
}

function prefixMatchesV6(bytes: Uint8Array, base: Uint8Array, prefix: number): boolean {
  const whole = Math.floor(prefix / 8);
  for (let i = 0; i < whole; i++) if (bytes[i] !== base[i]) return false;
  const rest = prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole] & mask) === (base[whole] & mask);
}

function stripZone(ip: string): string {
  const percent = ip.indexOf('%');
  return percent === -1 ? ip : ip.slice(0, percent);
}

/** Parses a dotted quad already accepted by isIP; callers check the format first. */
function parseIpv4(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** Expands an IPv6 literal (with "::" and an optional trailing dotted quad) to 16 bytes. */
function parseIpv6(ip: string): Uint8Array | undefined {
  let text = ip.toLowerCase();
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    if (isIP(last) !== 4) return undefined;
    const v = parseIpv4(last);
    tail.push((v >>> 16) & 0xffff, v & 0xffff);
    // The quad stands for the last two groups; drop it and the colon before it unless that is "::".
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = parseGroups(halves[0]);
  const rest = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (head === undefined || rest === undefined) return undefined;
  const known = head.length + rest.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    if (known > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
  } else {
    groups = [...head, ...tail];
  }
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

function v6Range(ip: string, prefix: number, reason: string): Ipv6Range {
  const bytes = parseIpv6(ip);
  if (!bytes) throw new Error(`bad IPv6 range ${ip}`);
  return { bytes, prefix, reason };
}
