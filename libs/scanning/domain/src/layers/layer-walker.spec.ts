import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { FileExtractor, LayerFile } from './file-extractor';
import {
  normalizeImagePath,
  ScanInputError,
  walkLayers,
  type LayerBlob,
  type WalkOptions,
} from './layer-walker';
import {
  buildTar,
  TAR_END,
  tarHeader,
  type TarBuilderEntry,
  ZSTD_LAYER_FIXTURE,
} from './testing/tar-builder';

const MiB = 1024 * 1024;

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

function blob(data: Buffer, digest = 'sha256:test'): LayerBlob {
  return { digest, open: async () => chunked(data, 4096) };
}

function layers(...contents: TarBuilderEntry[][]): LayerBlob[] {
  return contents.map((entries, i) => blob(gzipSync(buildTar(entries)), `sha256:l${i + 1}`));
}

const file = (path: string, content = path): TarBuilderEntry => ({ type: 'file', path, content });

/** Reports every `*.pkg` file as a package named after its content. */
const pkgExtractor: FileExtractor = {
  name: 'pkg',
  kind: 'buffer',
  maxBytes: 1024,
  matches: (f) => f.path.endsWith('.pkg'),
  extract: (content, f) => ({
    packages: [{ ecosystem: 'test', name: content.toString(), version: '1', location: f.path }],
  }),
};

async function survivors(
  blobs: LayerBlob[],
  extractors: FileExtractor[] = [pkgExtractor],
  options?: WalkOptions,
): Promise<Record<string, string[]>> {
  const result = await walkLayers(blobs, extractors, options);
  const out: Record<string, string[]> = {};
  for (const [path, findings] of [...result.findings].sort(([a], [b]) => a.localeCompare(b))) {
    out[path] = (findings.packages ?? []).map((p) => `${p.name}@${p.location}`);
  }
  return out;
}

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Runs `work` while sampling memory; returns the largest growth seen. */
async function peakGrowth(work: () => Promise<unknown>): Promise<number> {
  const before = memory();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, memory() - before)), 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, memory() - before);
}

describe('walkLayers: whiteouts and replacement', () => {
  const base = [
    file('a/x.pkg'),
    file('a/y.pkg'),
    file('b/z.pkg'),
    file('b/deep/w.pkg'),
    file('c/d/e.pkg'),
    file('c/top.pkg'),
    file('keep.pkg', 'old'),
    file('notes.txt'),
  ];

  it('deletes a whited-out file, a whited-out directory with its subtree, and what an opaque directory hides', async () => {
    const result = await survivors(
      layers(base, [
        file('a/.wh.x.pkg', ''),
        file('.wh.b', ''),
        { type: 'dir', path: 'c' },
        file('c/.wh..wh..opq', ''),
        file('c/new.pkg'),
      ]),
    );
    expect(result).toEqual({
      'a/y.pkg': ['a/y.pkg@a/y.pkg'],
      'c/new.pkg': ['c/new.pkg@c/new.pkg'],
      'keep.pkg': ['old@keep.pkg'],
    });
  });

  it('keeps entries of the whiteout’s own layer, whichever comes first in the tar', async () => {
    const result = await survivors(
      layers(base, [
        file('c/new.pkg'),
        file('c/.wh..wh..opq', ''),
        file('a/x.pkg', 'again'),
        file('a/.wh.x.pkg', ''),
      ]),
    );
    expect(result['c/new.pkg']).toEqual(['c/new.pkg@c/new.pkg']);
    expect(result['c/top.pkg']).toBeUndefined();
    expect(result['a/x.pkg']).toEqual(['again@a/x.pkg']);
  });

  it('replaces a file by a later one at the same path, and lets a later layer re-create a deleted one', async () => {
    const result = await survivors(
      layers(base, [file('keep.pkg', 'new'), file('.wh.b', '')], [file('b/z.pkg', 'back')]),
    );
    expect(result['keep.pkg']).toEqual(['new@keep.pkg']);
    expect(result['b/z.pkg']).toEqual(['back@b/z.pkg']);
    expect(result['b/deep/w.pkg']).toBeUndefined();
  });

  it('drops findings of a file replaced by a symlink, and of a directory replaced by a file', async () => {
    const result = await survivors(
      layers(base, [
        { type: 'symlink', path: 'keep.pkg', target: 'a/y.pkg' },
        file('c', 'now a file'),
      ]),
    );
    expect(Object.keys(result)).toEqual(['a/x.pkg', 'a/y.pkg', 'b/deep/w.pkg', 'b/z.pkg']);
  });

  it('keeps a lower directory’s content when a later layer only lists the directory again', async () => {
    const result = await survivors(layers(base, [{ type: 'dir', path: 'a' }]));
    expect(Object.keys(result)).toContain('a/x.pkg');
  });

  it('applies layers in manifest order', async () => {
    const first = [file('v.pkg', 'one')];
    const second = [file('v.pkg', 'two')];
    expect((await survivors(layers(first, second)))['v.pkg']).toEqual(['two@v.pkg']);
    expect((await survivors(layers(second, first)))['v.pkg']).toEqual(['one@v.pkg']);
  });

  it('normalizes ./ prefixes, leading and doubled slashes, and inner ..', async () => {
    const result = await survivors(
      layers(
        [file('./etc/a.pkg'), file('/opt//b.pkg'), file('usr/x/../c.pkg')],
        [file('etc/.wh.a.pkg', '')],
      ),
    );
    expect(Object.keys(result)).toEqual(['opt/b.pkg', 'usr/c.pkg']);
    expect(normalizeImagePath('./')).toBe('');
  });

  it('gives a hard link its target’s findings, kept when the target is deleted later', async () => {
    const result = await survivors(
      layers(
        [file('lib/a.pkg', 'A'), { type: 'hardlink', path: 'lib/b.pkg', target: './lib/a.pkg' }],
        [file('lib/.wh.a.pkg', '')],
      ),
    );
    expect(result).toEqual({ 'lib/b.pkg': ['A@lib/b.pkg'] });
  });
});

describe('walkLayers: extractors', () => {
  it('streams a large file to a stream extractor in bounded chunks, without buffering it', async () => {
    const size = 64 * MiB;
    async function* source(): AsyncGenerator<Buffer> {
      yield tarHeader({ name: 'opt/app.bin', type: '0', size });
      const chunk = Buffer.alloc(MiB, 0x41);
      for (let sent = 0; sent < size; sent += MiB) yield Buffer.from(chunk);
      yield TAR_END;
    }
    let received = 0;
    let largest = 0;
    const counter: FileExtractor = {
      name: 'counter',
      kind: 'stream',
      matches: (f) => f.path === 'opt/app.bin',
      extract: async (chunks, f) => {
        for await (const c of chunks) {
          received += c.length;
          largest = Math.max(largest, c.length);
        }
        return {
          packages: [
            { ecosystem: 'test', name: 'app', version: String(received), location: f.path },
          ],
        };
      },
    };
    let result: Awaited<ReturnType<typeof walkLayers>> | undefined;
    const growth = await peakGrowth(async () => {
      result = await walkLayers(
        [{ digest: 'sha256:big', open: async () => source() }],
        [counter, pkgExtractor],
      );
    });
    expect(received).toBe(size);
    expect(largest).toBeLessThanOrEqual(MiB);
    expect(growth).toBeLessThan(24 * MiB);
    expect(result?.findings.get('opt/app.bin')?.packages?.[0].version).toBe(String(size));
  });

  it('gives every matching extractor the whole file, stream and buffer alike', async () => {
    // Larger than one decompressed chunk, so the quitter leaves some unread.
    const content = 'z'.repeat(1_000_000);
    const seen: Record<string, number> = {};
    const streamer = (name: string, stopEarly: boolean): FileExtractor => ({
      name,
      kind: 'stream',
      matches: () => true,
      extract: async (chunks) => {
        seen[name] = 0;
        for await (const c of chunks) {
          seen[name] += c.length;
          if (stopEarly) break;
        }
        return {};
      },
    });
    const buffered: FileExtractor = {
      name: 'whole',
      kind: 'buffer',
      maxBytes: 2 * MiB,
      matches: () => true,
      extract: (c) => {
        seen.whole = c.toString() === content ? c.length : -1;
        return {};
      },
    };
    await walkLayers(layers([file('f', content)]), [
      streamer('s1', false),
      streamer('quitter', true),
      buffered,
      streamer('s2', false),
    ]);
    expect(seen.s1).toBe(1_000_000);
    expect(seen.s2).toBe(1_000_000);
    expect(seen.whole).toBe(1_000_000);
    expect(seen.quitter).toBeLessThan(1_000_000);
  });

  it('notes a file an extractor fails on, and keeps scanning', async () => {
    const broken: FileExtractor = {
      name: 'broken',
      kind: 'buffer',
      maxBytes: 1024,
      matches: (f) => f.path.startsWith('bad'),
      extract: () => {
        throw new Error('unexpected end of data');
      },
    };
    const brokenStream: FileExtractor = {
      name: 'broken-stream',
      kind: 'stream',
      matches: (f: LayerFile) => f.path === 'bad2.pkg',
      extract: async () => Promise.reject(new Error('not a zip')),
    };
    const result = await walkLayers(
      layers([file('bad1.pkg'), file('bad2.pkg'), file('good.pkg')]),
      [broken, brokenStream, pkgExtractor],
    );
    expect(result.notes).toEqual([
      'layer 1 (sha256:l1): extractor broken could not read bad1.pkg: unexpected end of data',
      'layer 1 (sha256:l1): extractor broken could not read bad2.pkg: unexpected end of data',
      'layer 1 (sha256:l1): extractor broken-stream could not read bad2.pkg: not a zip',
    ]);
    expect([...result.findings.keys()]).toEqual(['bad1.pkg', 'bad2.pkg', 'good.pkg']);
  });

  it('skips and notes files larger than a buffer extractor reads', async () => {
    const result = await walkLayers(layers([file('huge.pkg', 'h'.repeat(2000))]), [pkgExtractor]);
    expect(result.findings.size).toBe(0);
    expect(result.notes).toEqual([
      'layer 1 (sha256:l1): huge.pkg (2000 bytes) skipped by extractor pkg, which reads at most 1024 bytes',
    ]);
  });

  it('reads a zstd layer', async () => {
    const osRelease: FileExtractor = {
      name: 'os',
      kind: 'buffer',
      maxBytes: 1024,
      matches: (f) => f.path === 'etc/os-release',
      extract: (c) => ({ osRelease: { id: c.toString().split('\n')[0] } }),
    };
    const result = await walkLayers([blob(Buffer.from(ZSTD_LAYER_FIXTURE, 'base64'))], [osRelease]);
    expect(result.findings.get('etc/os-release')).toEqual({ osRelease: { id: 'ID=alpine' } });
  });
});

describe('walkLayers: hostile input', () => {
  const rejects = (blobs: LayerBlob[], message: string | RegExp, options?: WalkOptions) =>
    expect(walkLayers(blobs, [pkgExtractor], options)).rejects.toThrow(
      typeof message === 'string' ? new ScanInputError(message) : message,
    );

  it('fails on entry names and hard links that climb above the root', async () => {
    await rejects(
      layers([file('../etc/passwd')]),
      'layer 1 (sha256:l1): entry "../etc/passwd" climbs above the image root',
    );
    await rejects(
      layers([file('usr/../../x')]),
      /entry "usr\/..\/..\/x" climbs above the image root/,
    );
    await rejects(
      layers([{ type: 'hardlink', path: 'x', target: 'a/../../../etc/shadow' }]),
      'layer 1 (sha256:l1): hard link x -> "a/../../../etc/shadow" climbs above the image root',
    );
  });

  it('fails on symlinks that climb above the root, and accepts absolute ones inside it', async () => {
    await rejects(
      layers([{ type: 'symlink', path: 'usr/lib/x', target: '../../../etc' }]),
      'layer 1 (sha256:l1): symlink usr/lib/x -> "../../../etc" climbs above the image root',
    );
    await rejects(
      layers([{ type: 'symlink', path: 'x', target: '/../../etc' }]),
      /symlink x -> "\/..\/..\/etc" climbs/,
    );
    const ok = await walkLayers(
      layers([
        { type: 'symlink', path: 'etc/localtime', target: '/usr/share/zoneinfo/UTC' },
        { type: 'symlink', path: 'usr/lib/os-release', target: '../../etc/os-release' },
      ]),
      [pkgExtractor],
    );
    expect(ok.layers).toBe(1);
  });

  it('fails on corrupt gzip, a truncated tar and a bad tar checksum, naming the layer', async () => {
    // Stored (level 0) deflate blocks: breaking the second block's length is caught mid-stream.
    const gz = gzipSync(
      buildTar(Array.from({ length: 200 }, (_, i) => file(`f${i}.pkg`, `${i}`.repeat(300)))),
      { level: 0 },
    );
    const corrupt = Buffer.from(gz);
    const secondBlock = 10 + 5 + gz.readUInt16LE(11);
    corrupt[secondBlock + 1] ^= 0xff;
    await rejects(
      [blob(corrupt, 'sha256:bad')],
      'layer 1 (sha256:bad): corrupt gzip data: invalid stored block lengths',
    );
    const tar = buildTar([file('a.pkg', 'x'.repeat(5000))]);
    await rejects(
      [blob(tar.subarray(0, 3000))],
      /layer 1 \(sha256:test\): tar archive is truncated/,
    );
    const badSum = Buffer.concat([tarHeader({ name: 'a', type: '0', checksumDelta: 7 }), TAR_END]);
    await rejects(
      [blob(badSum)],
      /layer 1 \(sha256:test\): tar header checksum mismatch at byte 0/,
    );
  });

  it('stops a gzip bomb at the layer limit without holding what it expands to', async () => {
    // 64 gzip members of 16 MiB of zeros each: 1 GiB behind about 1 MiB, one file in a tar.
    const zeros = gzipSync(Buffer.alloc(16 * MiB));
    const members = [
      gzipSync(
        Buffer.concat([
          tarHeader({ name: 'zeros', type: '0', size: 64 * 16 * MiB }),
          Buffer.alloc(16 * MiB - 512),
        ]),
      ),
      ...Array.from({ length: 63 }, () => zeros),
    ];
    const bomb = Buffer.concat(members);
    expect(bomb.length).toBeLessThan(2 * MiB);
    let error: unknown;
    const growth = await peakGrowth(async () => {
      error = await walkLayers([blob(bomb, 'sha256:bomb')], [pkgExtractor], {
        maxLayerBytes: 256 * MiB,
      }).catch((e) => e);
    });
    expect(error).toEqual(
      new ScanInputError(
        `layer 1 (sha256:bomb) expands to more than 256 MiB, the most that is scanned`,
      ),
    );
    expect(growth).toBeLessThan(64 * MiB);
  });

  it('fails when all layers together expand past the image limit', async () => {
    const one = layers([file('a', 'x'.repeat(40_000))])[0];
    await rejects(
      [one, one, one],
      'the image expands to more than 100000 bytes, the most that is scanned',
      {
        maxImageBytes: 100_000,
      },
    );
  });

  it('fails on more entries or layers than allowed', async () => {
    await rejects(
      layers([file('a'), file('b')], [file('c')]),
      'the image has more than 2 files, the most that is scanned',
      { maxEntries: 2 },
    );
    await rejects(layers([], [], []), 'the image has 3 layers; at most 2 are scanned', {
      maxLayers: 2,
    });
  });

  it('lets a failure to read the blob through as it is', async () => {
    const failure = new Error('blob sha256:x is missing');
    await expect(
      walkLayers([{ digest: 'sha256:x', open: () => Promise.reject(failure) }], [pkgExtractor]),
    ).rejects.toBe(failure);
  });
});
