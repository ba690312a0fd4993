import { once } from 'node:events';
import * as fs from 'node:fs';
import { constants, crc32, createGzip, deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OCI_INDEX,
  OCI_MANIFEST,
  RegistryHttp,
  harborApi,
  pushImage as pushOciImage,
  pushManifest,
  startBerth,
  waitFor,
  type ImageLayer,
  type RegistryInstance,
} from '@berth/platform/testing';

const REPORT_MIME = 'application/vnd.security.vulnerability.report; version=1.1';
const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** What each bomb expands to: twice the scanner's default per-layer limit of 8 GiB. */
const BOMB_BYTES = 16 * GiB;
/**
 * How far the scanner's peak RSS may rise above its RSS before the hostile pushes. Two scans
 * run at once, each holding a few decompressed chunks (256 KiB of gzip, 4 MiB of zstd); the
 * rest is the 17 MiB bomb upload, a 2 MiB index parsed as JSON and garbage not yet collected.
 * A walker that kept a twentieth of the 8 GiB one bomb expands to would pass it.
 */
const MAX_RSS_GROWTH = 400 * MiB;

type EntryKind = 'file' | 'hardlink' | 'symlink' | 'directory';
const TYPE_FLAG: Record<EntryKind, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  directory: '5',
};

/** One 512-byte ustar header; `size` above the octal field's 8 GiB goes into a PAX record first. */
function tarHeaders(
  name: string,
  kind: EntryKind,
  opts: { size?: number; linkName?: string } = {},
): Buffer {
  const size = opts.size ?? 0;
  if (size > 0o77777777777) {
    const record = (key: string, value: string): string => {
      const body = ` ${key}=${value}\n`;
      let len = body.length + 1;
      while (`${len}${body}`.length !== len) len++;
      return `${len}${body}`;
    };
    const pax = Buffer.from(record('size', String(size)));
    return Buffer.concat([
      ustar(`PaxHeaders/${name}`.slice(0, 99), 'x', pax.length, ''),
      pax,
      Buffer.alloc((512 - (pax.length % 512)) % 512),
      ustar(name, TYPE_FLAG[kind], 0, opts.linkName ?? ''),
    ]);
  }
  return ustar(name, TYPE_FLAG[kind], size, opts.linkName ?? '');
}

function ustar(name: string, flag: string, size: number, linkName: string): Buffer {
  const header = Buffer.alloc(512);
  const octal = (n: number, len: number): string => n.toString(8).padStart(len - 1, '0');
  header.write(name, 0, 100);
  header.write(octal(flag === '5' ? 0o755 : 0o644, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(size, 12), 124);
  header.write(octal(0, 12), 136);
  header.fill(' ', 148, 156);
  header.write(flag, 156);
  header.write(linkName, 157, 100);
  header.write('ustar\u000000', 257);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148);
  return header;
}

interface TarEntrySpec {
  name: string;
  kind?: EntryKind;
  text?: string | Buffer;
  linkName?: string;
}

/** A whole tar archive, end-of-archive marker included. */
function tarOf(entries: TarEntrySpec[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.text === 'string' ? Buffer.from(e.text) : (e.text ?? Buffer.alloc(0));
    parts.push(
      tarHeaders(e.name, e.kind ?? 'file', { size: data.length, linkName: e.linkName }),
      data,
      Buffer.alloc((512 - (data.length % 512)) % 512),
    );
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const OS_RELEASE = 'ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n';
const APK_INSTALLED = [
  'P:musl',
  'V:1.2.5-r0',
  'A:x86_64',
  '',
  'P:busybox',
  'V:1.36.1-r29',
  '',
].join('\n');

/**
 * 1 MiB that starts like an ELF executable and is full of Go build info magics (at 16-byte
 * boundaries, as the Go linker aligns them): bogus blobs failing a few bytes in (`dense`), or
 * claiming 1 MiB of module info past the end of the file (`claims`).
 */
function fakeGoBinary(kind: 'dense' | 'claims'): Buffer {
  const magic = Buffer.concat([Buffer.from('\xff Go buildinf:', 'latin1'), Buffer.from([8, 2])]);
  const unit =
    kind === 'dense'
      ? magic
      : Buffer.concat([
          magic,
          Buffer.alloc(16),
          // Version "go1", then a module info length of 1 MiB (uvarint).
          Buffer.from([3, 0x67, 0x6f, 0x31, 0x80, 0x80, 0x40]),
          Buffer.alloc(9),
        ]);
  const head = Buffer.alloc(1024);
  Buffer.from('7f454c46020101', 'hex').copy(head);
  return Buffer.concat([head, ...Array.from({ length: (MiB - 1024) / unit.length }, () => unit)]);
}

/** About 1 MiB of words from a fixed sequence, so the corrupt layer below is the same every run. */
function wordsText(): string {
  const words: string[] = [];
  let x = 1;
  for (let i = 0; i < 200_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    words.push(`w${(x % 5000).toString(36)}`);
  }
  return words.join(' ');
}

/**
 * A gzip stream of `tar` that goes bad in the middle: header, CRC and length are those of the
 * data, the first half is flushed to a byte boundary, and the block that follows starts with
 * 0xff, a block type deflate reserves. `intact` is the same stream before the damage.
 */
function gzipCorruptInTheMiddle(tar: Buffer): { intact: Buffer; corrupt: Buffer } {
  const half = tar.length >> 1;
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);
  const first = deflateRawSync(tar.subarray(0, half), { finishFlush: constants.Z_FULL_FLUSH });
  const second = deflateRawSync(tar.subarray(half));
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(tar), 0);
  trailer.writeUInt32LE(tar.length, 4);
  const intact = Buffer.concat([header, first, second, trailer]);
  const corrupt = Buffer.from(intact);
  corrupt[header.length + first.length] = 0xff;
  return { intact, corrupt };
}

/**
 * A gzip stream of `bytes` zeros, compressed as it is fed a 1 MiB buffer again and again, so
 * the expanded data is never held.
 */
async function gzipOfZeros(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const ended = once(gzip, 'end');
  const zeros = Buffer.alloc(MiB);
  for (let left = bytes; left > 0; left -= zeros.length) {
    if (!gzip.write(zeros.subarray(0, Math.min(left, zeros.length)))) await once(gzip, 'drain');
  }
  gzip.end();
  await ended;
  return Buffer.concat(out);
}

/**
 * A gzip layer of a little over 16 MiB: one file entry of BOMB_BYTES zeros, large enough that the
 * Go binary extractor is handed its content. A gzip stream may hold several members (RFC 1952)
 * and decoders read them all, so the zeros are one 64 MiB member built once and repeated, rather
 * than 16 GiB put through the compressor.
 */
async function gzipBomb(): Promise<Buffer> {
  const member = await gzipOfZeros(64 * MiB);
  return Buffer.concat([
    gzipSync(tarHeaders('var/cache/bomb.bin', 'file', { size: BOMB_BYTES })),
    ...Array.from({ length: BOMB_BYTES / (64 * MiB) }, () => member),
    gzipSync(Buffer.alloc(1024)),
  ]);
}

/**
 * A zstd layer of 512 KiB, one frame (RFC 8878) written by hand: the tar header in a raw block,
 * then RLE blocks of 128 KiB zeros (4 bytes each) adding up to a BOMB_BYTES entry, then the
 * end-of-archive marker.
 */
function zstdBomb(): Buffer {
  const blockHeader = (last: boolean, type: number, size: number): Buffer => {
    const h = (last ? 1 : 0) | (type << 1) | (size << 3);
    return Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]);
  };
  const head = tarHeaders('var/cache/bomb.bin', 'file', { size: BOMB_BYTES });
  const rle = Buffer.concat([blockHeader(false, 1, 128 * 1024), Buffer.from([0])]);
  const blocks = BOMB_BYTES / (128 * 1024);
  return Buffer.concat([
    // Magic, no checksum or content size, a 128 KiB window (log 17).
    Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (17 - 10) << 3]),
    blockHeader(false, 0, head.length),
    head,
    ...Array.from({ length: blocks }, () => rle),
    blockHeader(true, 0, 1024),
    Buffer.alloc(1024),
  ]);
}

/** Resident and peak resident memory of a process, from /proc. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(m[1]) * 1024;
  };
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

interface Overview {
  report_id: string;
  scan_status: string;
}

/** An image Berth is expected to refuse to scan, and the reason its scan log must give. */
interface HostileImage {
  repo: string;
  what: string;
  reason: RegExp;
  push(): Promise<void>;
}

/**
 * Hostile images against the running scanner: corrupt compression, tar paths and links that
 * leave the root, gzip and zstd bombs, an index of 10,000 platforms and an image of 10,000
 * layers, each ending in Error with a reason; an image whose files are full of fake Go build
 * info, scanned in seconds. Berth keeps serving and scanning, and its peak memory stays far
 * below what the bombs expand to.
 */
describe('scanning hostile images (all-in-one)', () => {
  let berth: RegistryInstance;
  let registry: RegistryHttp;
  let baselineRss = 0;
  const password = 'Hostile-scan-1';
  const ADMIN = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

  const call = harborApi(() => berth.apiUrl ?? berth.url, { auth: ADMIN });
  const api = (method: string, p: string, body?: unknown): Promise<Response> =>
    call(method, p, { body });

  const putManifest = (repo: string, ref: string, mediaType: string, body: string) =>
    pushManifest(registry, repo, ref, mediaType, body);
  const pushImage = (repo: string, tag: string, layers: ImageLayer[]) =>
    pushOciImage(registry, repo, tag, layers);

  const tarImage = (repo: string, entries: TarEntrySpec[]) => () =>
    pushImage(`hostile/${repo}`, 'v1', [{ data: gzipSync(tarOf(entries)) }]).then(() => undefined);

  async function finished(repo: string, ref: string, timeoutMs = 90_000): Promise<Overview> {
    let last: Overview | undefined;
    await waitFor(
      async () => {
        const res = await api(
          'GET',
          `/projects/hostile/repositories/${repo}/artifacts/${ref}?with_scan_overview=true`,
        );
        if (res.status !== 200) return false;
        const body = (await res.json()) as { scan_overview?: Record<string, Overview> };
        last = body.scan_overview?.[REPORT_MIME];
        return last !== undefined && ['Success', 'Error', 'Stopped'].includes(last.scan_status);
      },
      timeoutMs,
      250,
    );
    return last!;
  }

  async function scanLog(repo: string, ref: string, reportId: string): Promise<string> {
    const res = await api(
      'GET',
      `/projects/hostile/repositories/${repo}/artifacts/${ref}/scan/${reportId}/log`,
    );
    expect(res.status).toBe(200);
    return res.text();
  }

  const LAYER = 'layer 1 \\(sha256:[0-9a-f]{64}\\)';
  const hostile: HostileImage[] = [
    {
      repo: 'corrupt-gzip',
      what: 'a gzip layer corrupted in the middle',
      reason: new RegExp(`^scan failed: ${LAYER}: corrupt gzip data: invalid block type$`),
      push: async () => {
        const tar = tarOf([
          { name: 'etc/os-release', text: OS_RELEASE },
          { name: 'usr/share/doc/words.txt', text: wordsText() },
        ]);
        const { intact, corrupt } = gzipCorruptInTheMiddle(tar);
        expect(gunzipSync(intact).equals(tar)).toBe(true);
        expect(() => gunzipSync(corrupt)).toThrow(/invalid block type/);
        await pushImage('hostile/corrupt-gzip', 'v1', [{ data: corrupt }]);
      },
    },
    {
      repo: 'dotdot-entry',
      what: 'a tar entry ../../etc/passwd',
      reason: new RegExp(
        `^scan failed: ${LAYER}: entry "\\.\\./\\.\\./etc/passwd" climbs above the image root$`,
      ),
      push: tarImage('dotdot-entry', [
        { name: 'etc/os-release', text: OS_RELEASE },
        { name: '../../etc/passwd', text: 'root:x:0:0::/root:/bin/sh\n' },
      ]),
    },
    {
      repo: 'dotdot-inner',
      what: 'a tar entry a/../../x',
      reason: new RegExp(
        `^scan failed: ${LAYER}: entry "a/\\.\\./\\.\\./x" climbs above the image root$`,
      ),
      push: tarImage('dotdot-inner', [
        { name: 'a/', kind: 'directory' },
        { name: 'a/../../x', text: 'x' },
      ]),
    },
    {
      repo: 'symlink-out',
      what: 'a symlink usr/x -> ../../../etc',
      reason: new RegExp(
        `^scan failed: ${LAYER}: symlink usr/x -> "\\.\\./\\.\\./\\.\\./etc" climbs above the image root$`,
      ),
      push: tarImage('symlink-out', [
        { name: 'usr/', kind: 'directory' },
        { name: 'usr/x', kind: 'symlink', linkName: '../../../etc' },
      ]),
    },
    {
      repo: 'hardlink-out',
      what: 'a hard link to ../outside',
      reason: new RegExp(
        `^scan failed: ${LAYER}: hard link etc/shadow -> "\\.\\./outside" climbs above the image root$`,
      ),
      push: tarImage('hardlink-out', [
        { name: 'etc/os-release', text: OS_RELEASE },
        { name: 'etc/shadow', kind: 'hardlink', linkName: '../outside' },
      ]),
    },
    {
      repo: 'gzip-bomb',
      what: 'a gzip bomb of 16 GiB',
      reason: new RegExp(
        `^scan failed: ${LAYER} expands to more than 8 GiB, the most that is scanned$`,
      ),
      push: async () => {
        const bomb = await gzipBomb();
        expect(bomb.length).toBeLessThan(20 * MiB);
        await pushImage('hostile/gzip-bomb', 'v1', [{ data: bomb }]);
      },
    },
    {
      repo: 'zstd-bomb',
      what: 'a zstd bomb of 16 GiB',
      reason: new RegExp(
        `^scan failed: ${LAYER} expands to more than 8 GiB, the most that is scanned$`,
      ),
      push: async () => {
        await pushImage('hostile/zstd-bomb', 'v1', [
          { data: zstdBomb(), mediaType: OCI_LAYER_ZSTD },
        ]);
      },
    },
    {
      repo: 'wide-index',
      what: 'an index of 10,000 platform manifests',
      reason: /^scan failed: the image index lists 10000 manifests; at most 64 are scanned$/,
      push: async () => {
        // The registry refuses an index naming manifests it does not hold: one real image,
        // listed under 10,000 platforms.
        const base = await pushImage('hostile/wide-index', 'base', [
          { data: gzipSync(tarOf([{ name: 'etc/os-release', text: OS_RELEASE }])) },
        ]);
        const index = JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: Array.from({ length: 10_000 }, (_, i) => ({
            mediaType: OCI_MANIFEST,
            digest: base.digest,
            size: base.size,
            platform: { os: 'linux', architecture: 'amd64', variant: `v${i}` },
          })),
        });
        await putManifest('hostile/wide-index', 'v1', OCI_INDEX, index);
      },
    },
    {
      repo: 'deep-image',
      what: 'an image of 10,000 layers',
      reason: /^scan failed: the image has 10000 layers; at most 500 are scanned$/,
      push: async () => {
        const layer = { data: gzipSync(tarOf([{ name: 'etc/motd', text: 'hi\n' }])) };
        await pushImage(
          'hostile/deep-image',
          'v1',
          Array.from({ length: 10_000 }, () => layer),
        );
      },
    },
  ];

  beforeAll(async () => {
    berth = await startBerth('all-in-one', {
      password,
      env: { BERTH_SCANNER_CONCURRENCY: '2' },
    });
    registry = new RegistryHttp(berth);
    expect(
      (await api('POST', '/projects', { project_name: 'hostile', metadata: { auto_scan: 'true' } }))
        .status,
    ).toBe(201);
    // One honest scan first, so the baseline holds what any scan loads.
    await tarImage('warm-up', [
      { name: 'etc/os-release', text: OS_RELEASE },
      { name: 'lib/apk/db/installed', text: APK_INSTALLED },
    ])();
    expect((await finished('warm-up', 'v1')).scan_status).toBe('Success');
    // From here on VmHWM is the peak since now (writing 5 to clear_refs resets it to VmRSS).
    fs.writeFileSync(`/proc/${berth.pid}/clear_refs`, '5');
    baselineRss = memoryOf(berth.pid).rss;
    for (const image of hostile) await image.push();
  }, 120_000);

  afterAll(async () => {
    await berth?.stop();
  });

  it.each(hostile.map((h) => [h.what, h] as const))(
    'ends the scan of %s in Error, naming the reason',
    async (_what, image) => {
      const overview = await finished(image.repo, 'v1');
      expect(overview.scan_status).toBe('Error');
      expect(await scanLog(image.repo, 'v1', overview.report_id)).toMatch(image.reason);
      // A failed scan leaves no vulnerability report behind.
      expect(
        (
          await api(
            'GET',
            `/projects/hostile/repositories/${image.repo}/artifacts/v1/additions/vulnerabilities`,
          )
        ).status,
      ).toBe(404);
    },
  );

  it('scans an image full of fake Go build info magics in seconds, reading every file', async () => {
    const dense = fakeGoBinary('dense');
    const claims = fakeGoBinary('claims');
    await tarImage('fake-go', [
      { name: 'etc/os-release', text: OS_RELEASE },
      { name: 'usr/bin/dense', text: dense },
      ...Array.from({ length: 60 }, (_, i) => ({ name: `usr/bin/claims-${i}`, text: claims })),
    ])();
    // Candidate by candidate, with a copy of what follows each, every file took over a second.
    const overview = await finished('fake-go', 'v1', 20_000);
    expect(overview.scan_status).toBe('Success');
    const log = await scanLog('fake-go', 'v1', overview.report_id);
    expect(log).toMatch(/os alpine 3\.20\.3, 1 layers, 0 packages/);
    expect(log).not.toMatch(/could not read/);
  });

  it('keeps serving and scanning after all of them', async () => {
    expect(berth.process.child.exitCode).toBeNull();
    expect((await fetch(`${berth.apiUrl}/api/v2.0/ping`)).status).toBe(200);
    await tarImage('after', [
      { name: 'etc/os-release', text: OS_RELEASE },
      { name: 'lib/apk/db/installed', text: APK_INSTALLED },
    ])();
    const overview = await finished('after', 'v1');
    expect(overview.scan_status).toBe('Success');
    expect(await scanLog('after', 'v1', overview.report_id)).toMatch(
      /os alpine 3\.20\.3, 1 layers, 2 packages/,
    );
  });

  it('keeps its peak memory bounded through all of them, bombs included', () => {
    const { hwm } = memoryOf(berth.pid);
    expect(hwm - baselineRss).toBeLessThan(MAX_RSS_GROWTH);
  });
});
