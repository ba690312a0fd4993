import { describe, expect, it } from 'vitest';
import {
  type GoBuildInfo,
  GoBuildInfoError,
  GoBuildInfoScanner,
  goBinaryExtractor,
  goBuildInfoPackages,
  parseGoModuleInfo,
  pseudoVersion,
  readGoBuildInfo,
  versionFromLdflags,
} from './go-binary.analyzer';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
// The sentinels the go command frames module info with.
const INFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const INFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

const MODULE_INFO = [
  'path\texample.com/shop/cmd/api',
  'mod\texample.com/shop\t(devel)\t',
  'dep\tgithub.com/google/uuid\tv1.6.0\th1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=',
  'dep\tgolang.org/x/net\tv0.30.0',
  '=>\tgolang.org/x/net\tv0.33.0\th1:74SYHlV8BIgHIFC/LrYkOGIwL19eTYXQ5wc6TBuO36I=',
  'dep\texample.com/shop/internal/lib\tv0.0.0-00010101000000-000000000000',
  '=>\t../lib\t(devel)\t',
  'build\t-buildmode=exe',
  'build\t-ldflags="-s -w -X example.com/shop/internal/version.Version=2.3.0-rc.1"',
  'build\tCGO_ENABLED=0',
  'build\tGOARCH=amd64',
  'build\tvcs=git',
  'build\tvcs.revision=4f2c9e7d1a0b3c5d6e7f8091a2b3c4d5e6f70819',
  'build\tvcs.time=2025-03-04T05:06:07Z',
  '',
].join('\n');

function uvarint(n: number): Buffer {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

/** A 32-byte build info header: magic, pointer size, flags (0x2: strings follow inline). */
function header(flags = 0x2, pointerSize = 8): Buffer {
  const h = Buffer.alloc(32);
  MAGIC.copy(h);
  h[14] = pointerSize;
  h[15] = flags;
  return h;
}

function blob(goVersion: string, moduleInfo: string): Buffer {
  const mod = Buffer.concat([INFO_START, Buffer.from(moduleInfo), INFO_END]);
  const vers = Buffer.from(goVersion);
  return Buffer.concat([header(), uvarint(vers.length), vers, uvarint(mod.length), mod]);
}

/** An ELF-looking file with the blob at a 16-byte aligned offset after `before` bytes of filler. */
function binary(parts: { before?: number; blob: Buffer; prefix?: Buffer; after?: number }): Buffer {
  const start = Buffer.concat([
    Buffer.from('7f454c46020101', 'hex'),
    parts.prefix ?? Buffer.alloc(0),
  ]);
  const filler = Buffer.alloc(parts.before ?? 4096, 0x90);
  let body = Buffer.concat([start, filler]);
  body = Buffer.concat([body, Buffer.alloc((16 - (body.length % 16)) % 16)]);
  return Buffer.concat([body, parts.blob, Buffer.alloc(parts.after ?? 2048, 0x00)]);
}

async function* inChunks(bytes: Buffer, sizes: number[]): AsyncIterable<Buffer> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

describe('Go build info module text', () => {
  it('reads path, main module, dependencies with replacements and quoted build settings', () => {
    const info = parseGoModuleInfo(MODULE_INFO, 'go1.23.4');
    expect(info.path).toBe('example.com/shop/cmd/api');
    expect(info.main).toEqual({ path: 'example.com/shop', version: '(devel)', sum: '' });
    expect(info.deps).toEqual([
      {
        path: 'github.com/google/uuid',
        version: 'v1.6.0',
        sum: 'h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=',
      },
      {
        path: 'golang.org/x/net',
        version: 'v0.30.0',
        sum: '',
        replace: {
          path: 'golang.org/x/net',
          version: 'v0.33.0',
          sum: 'h1:74SYHlV8BIgHIFC/LrYkOGIwL19eTYXQ5wc6TBuO36I=',
        },
      },
      {
        path: 'example.com/shop/internal/lib',
        version: 'v0.0.0-00010101000000-000000000000',
        sum: '',
        replace: { path: '../lib', version: '(devel)', sum: '' },
      },
    ]);
    expect(info.settings).toContainEqual({
      key: '-ldflags',
      value: '-s -w -X example.com/shop/internal/version.Version=2.3.0-rc.1',
    });
  });

  it('unquotes Go escapes in keys and values, and ignores an unterminated last line', () => {
    const info = parseGoModuleInfo(
      'build\t"odd key"="tab\\there \\"q\\" \\xc3\\xa9 \\u00e9"\nbuild\tlost=1',
      'go1.22.0',
    );
    expect(info.settings).toEqual([{ key: 'odd key', value: 'tab\there "q" é é' }]);
  });

  it('rejects malformed module text as the Go toolchain does', () => {
    expect(() => parseGoModuleInfo('=>\tx\tv1.0.0\t\n', 'go1.22.0')).toThrow(GoBuildInfoError);
    expect(() => parseGoModuleInfo('dep\tonly-a-path\n', 'go1.22.0')).toThrow(/2 or 3 columns/);
    expect(() => parseGoModuleInfo('build\t-ldflags=-s -w\n', 'go1.22.0')).toThrow(
      /must be quoted/,
    );
  });
});

describe('Go build info packages', () => {
  const info = (over: Partial<GoBuildInfo>): GoBuildInfo => ({
    goVersion: 'go1.23.4',
    path: 'example.com/shop/cmd/api',
    deps: [],
    settings: [],
    ...over,
  });

  it('reports main module, dependencies under their replacements, and stdlib', () => {
    const packages = goBuildInfoPackages(parseGoModuleInfo(MODULE_INFO, 'go1.23.4'), 'usr/bin/api');
    expect(packages.map((p) => [p.name, p.version])).toEqual([
      ['example.com/shop', 'v2.3.0-rc.1'],
      ['github.com/google/uuid', 'v1.6.0'],
      ['golang.org/x/net', 'v0.33.0'],
      // A local directory replacement keeps the required path; it has no version.
      ['example.com/shop/internal/lib', 'UNKNOWN'],
      ['stdlib', 'go1.23.4'],
    ]);
    expect(packages.every((p) => p.ecosystem === 'Go' && p.location === 'usr/bin/api')).toBe(true);
  });

  it('names a module replaced by another module after the replacement', () => {
    const packages = goBuildInfoPackages(
      info({
        main: { path: 'example.com/shop', version: 'v1.0.0', sum: '' },
        deps: [
          {
            path: 'github.com/docker/docker',
            version: 'v27.0.0+incompatible',
            sum: '',
            replace: { path: 'github.com/moby/moby', version: 'v27.1.1+incompatible', sum: 'h1:x' },
          },
        ],
      }),
      'app',
    );
    expect(packages[1]).toMatchObject({
      name: 'github.com/moby/moby',
      version: 'v27.1.1+incompatible',
    });
  });

  it('gives a (devel) main module the pseudo-version of its VCS stamp, else UNKNOWN', () => {
    const main = { path: 'example.com/shop', version: '(devel)', sum: '' };
    const stamped = info({
      main,
      settings: [
        { key: 'vcs.revision', value: '4f2c9e7d1a0b3c5d6e7f8091a2b3c4d5e6f70819' },
        { key: 'vcs.time', value: '2025-03-04T05:06:07Z' },
      ],
    });
    expect(goBuildInfoPackages(stamped, 'app')[0].version).toBe(
      'v0.0.0-20250304050607-4f2c9e7d1a0b',
    );
    expect(goBuildInfoPackages(info({ main }), 'app')[0]).toMatchObject({
      name: 'example.com/shop',
      version: 'UNKNOWN',
    });
  });

  it('keeps a version stamped by the go command as it is', () => {
    const main = {
      path: 'example.com/shop',
      version: 'v1.4.0-rc.1.0.20250101000000-abcdefabcdef+dirty',
      sum: '',
    };
    expect(goBuildInfoPackages(info({ main }), 'app')[0].version).toBe(main.version);
  });

  it('takes the one (devel) dependency as main module when there is no mod line', () => {
    const packages = goBuildInfoPackages(
      info({
        path: 'command-line-arguments',
        main: { path: 'command-line-arguments', version: '', sum: '' },
        deps: [
          { path: 'example.com/tool', version: '(devel)', sum: '' },
          { path: 'github.com/spf13/cobra', version: 'v1.8.1', sum: '' },
        ],
      }),
      'app',
    );
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'example.com/tool@UNKNOWN',
      'github.com/spf13/cobra@v1.8.1',
      'stdlib@go1.23.4',
    ]);
  });

  it('names stdlib after the toolchain without experiments, and not for a devel toolchain', () => {
    const deps = [{ path: 'github.com/spf13/cobra', version: 'v1.8.1', sum: '' }];
    const boring = goBuildInfoPackages(info({ goVersion: 'go1.22.1 X:boringcrypto', deps }), 'a');
    expect(boring.at(-1)).toMatchObject({ name: 'stdlib', version: 'go1.22.1' });
    const devel = goBuildInfoPackages(
      info({ goVersion: 'devel go1.24-1a2b3c4 Mon Jan 1 00:00:00 2024 +0000', deps }),
      'a',
    );
    expect(devel.map((p) => p.name)).toEqual([
      'example.com/shop/cmd/api',
      'github.com/spf13/cobra',
    ]);
  });

  it('finds versions set through -ldflags -X the way syft does', () => {
    expect(versionFromLdflags('-X main.version=1.2.3', 'example.com/x')).toBe('v1.2.3');
    expect(versionFromLdflags('-X main.buildVersion=v0.9.0-beta.2', 'example.com/x')).toBe(
      'v0.9.0-beta.2',
    );
    expect(versionFromLdflags('-X example.com/x/pkg/build.Tag=3.1.0', 'example.com/x')).toBe(
      'v3.1.0',
    );
    expect(versionFromLdflags('-X other.com/y.Version=1.0.0', 'example.com/x')).toBeUndefined();
    expect(versionFromLdflags('-s -w', 'example.com/x')).toBeUndefined();
  });

  it('formats pseudo-version timestamps in UTC', () => {
    expect(pseudoVersion('0123456789abcdef', '2024-12-31T23:30:00-01:00')).toBe(
      'v0.0.0-20250101003000-0123456789ab',
    );
    expect(pseudoVersion('abc', 'yesterday')).toBe('v0.0.0-00010101000000-abc');
  });
});

describe('Go build info scanner', () => {
  const GO_VERSION = 'go1.23.4';
  const file = binary({ blob: blob(GO_VERSION, MODULE_INFO), before: 5000 });
  const magicAt = file.indexOf(MAGIC);

  it('finds the blob whatever the chunk sizes, including a magic split across chunks', async () => {
    for (const split of [
      magicAt - 1,
      magicAt + 1,
      magicAt + 7,
      magicAt + 13,
      magicAt + 20,
      magicAt + 33,
    ]) {
      const chunks = (async function* () {
        yield file.subarray(0, split);
        yield file.subarray(split);
      })();
      const info = await readGoBuildInfo(chunks);
      expect(info?.main?.path, `split at ${split}`).toBe('example.com/shop');
    }
    for (const sizes of [[1], [3, 17, 1], [4096], [13, 1000, 2]]) {
      const info = await readGoBuildInfo(inChunks(file, sizes));
      expect(info?.goVersion, `chunks ${sizes.join(',')}`).toBe(GO_VERSION);
      expect(info?.deps).toHaveLength(3);
    }
  });

  it('skips a misaligned magic and an aligned one that is not followed by build info', async () => {
    // As in a binary that reads build info itself: the magic appears as a string in its data.
    const decoys = Buffer.concat([
      Buffer.alloc(3),
      MAGIC, // at 10: misaligned
      Buffer.alloc(8),
      MAGIC, // at 32: aligned, but its pointer size byte is 'g'
      Buffer.from('go1.20'),
      Buffer.alloc(12),
      header(), // at 64: aligned, but not followed by a printable version
      uvarint(5),
      Buffer.from([0x01, 0x02, 0x03, 0x04, 0x05]),
      Buffer.alloc(64),
    ]);
    const withDecoys = binary({ prefix: decoys, blob: blob(GO_VERSION, MODULE_INFO) });
    expect([10, 32, 64].map((at) => withDecoys.indexOf(MAGIC, at))).toEqual([10, 32, 64]);
    const info = await readGoBuildInfo(inChunks(withDecoys, [7, 64, 333]));
    expect(info?.path).toBe('example.com/shop/cmd/api');
  });

  it('does not search a file that does not start like an executable', async () => {
    const script = Buffer.concat([
      Buffer.from('#!/bin/sh\nexec app "$@"\n'),
      Buffer.alloc(8),
      file,
    ]);
    expect(await readGoBuildInfo(inChunks(script, [100]))).toBeUndefined();
    expect(await readGoBuildInfo(inChunks(Buffer.from('\x7fEL'), [1]))).toBeUndefined();
  });

  it('reports an executable without build info as no Go binary', async () => {
    const plain = binary({ blob: Buffer.from('not go at all'), before: 100_000 });
    expect(await readGoBuildInfo(inChunks(plain, [8192]))).toBeUndefined();
  });

  it('holds no more than the bound after a magic, and finds the real blob after a bogus one', () => {
    const bogus = Buffer.concat([
      header(),
      uvarint(8),
      Buffer.from('go1.22.0'),
      uvarint(64 * 1024 * 1024), // module info longer than anything kept
    ]);
    const scanner = new GoBuildInfoScanner();
    // Padded so that the real blob pushed at the end starts 16-byte aligned.
    const start = binary({ blob: bogus, after: 0 });
    scanner.push(Buffer.concat([start, Buffer.alloc(16 - (start.length % 16))]));
    for (let i = 0; i < 32; i++) scanner.push(Buffer.alloc(64 * 1024));
    expect(scanner.heldBytes).toBeLessThan(64);
    scanner.push(blob(GO_VERSION, MODULE_INFO));
    expect(scanner.finish()?.goVersion).toBe(GO_VERSION);
  });

  it('gets through data with a magic at every boundary in one pass', async () => {
    // A magic every 16 bytes, each one a bogus blob that fails a few bytes in.
    const dense = binary({
      blob: Buffer.concat(Array.from({ length: 65_536 }, () => header().subarray(0, 16))),
      after: 0,
    });
    expect(await readGoBuildInfo(inChunks(dense, [65_536]))).toBeUndefined();
    // A magic every 48 bytes of the last MiB, each claiming module info past the end of the file.
    const claim = Buffer.concat([header(), uvarint(3), Buffer.from('go1'), uvarint(1024 * 1024)]);
    const unit = Buffer.concat([claim, Buffer.alloc(48 - claim.length)]);
    const tail = binary({
      blob: Buffer.concat(Array.from({ length: 21_800 }, () => unit)),
      after: 0,
    });
    const started = Date.now();
    expect(await readGoBuildInfo(inChunks(tail, [65_536]))).toBeUndefined();
    // Candidate by candidate with a copy of what follows each, this took over a second.
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('says why it cannot read the pointer format of Go before 1.18', async () => {
    const old = binary({ blob: Buffer.concat([header(0x0), Buffer.alloc(64, 0x11)]) });
    await expect(readGoBuildInfo(inChunks(old, [512]))).rejects.toThrow(/before 1\.18/);
  });

  it('says when an executable is UPX-packed', async () => {
    const packed = binary({ prefix: Buffer.from('UPX!'), blob: Buffer.alloc(100) });
    await expect(readGoBuildInfo(inChunks(packed, [512]))).rejects.toThrow(/UPX-packed/);
  });

  it('reads executables and large files through the extractor contract', async () => {
    if (goBinaryExtractor.kind !== 'stream') throw new Error('expected a stream extractor');
    expect(goBinaryExtractor.matches({ path: 'usr/local/bin/api', size: 10, mode: 0o755 })).toBe(
      true,
    );
    expect(goBinaryExtractor.matches({ path: 'opt/api', size: 20_000_000, mode: 0o644 })).toBe(
      true,
    );
    expect(goBinaryExtractor.matches({ path: 'etc/hosts', size: 200, mode: 0o644 })).toBe(false);
    const findings = await goBinaryExtractor.extract(inChunks(file, [65536]), {
      path: 'usr/local/bin/api',
      size: file.length,
      mode: 0o755,
    });
    expect(findings.packages?.map((p) => p.name)).toEqual([
      'example.com/shop',
      'github.com/google/uuid',
      'golang.org/x/net',
      'example.com/shop/internal/lib',
      'stdlib',
    ]);
  });
});
