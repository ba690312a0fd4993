import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decompressLayer,
  LayerDecodeError,
  LayerTooLargeError,
  MAX_ZSTD_WINDOW,
} from './layer-decompress';
import { readTar } from './tar-reader';
import { buildTar, ZSTD_LAYER_FIXTURE } from './testing/tar-builder';

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Text that compresses but not trivially, so real compressed blocks are exercised. */
function sampleText(bytes: number): Buffer {
  const lines: string[] = [];
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    const line = `Package: lib${(i * 7919) % 10007}\nVersion: ${i % 13}.${i % 101}-${i}\n\n`;
    lines.push(line);
    total += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

type ZstdBlock = { raw: Buffer } | { rle: number; size: number } | { type: 3 };

/** A zstd frame written block by block (RFC 8878), to test what encoders never produce. */
function zstdFrame(
  blocks: ZstdBlock[],
  opts: { windowLog?: number; checksum?: boolean } = {},
): Buffer {
  const parts: Buffer[] = [
    Buffer.from([
      0x28,
      0xb5,
      0x2f,
      0xfd,
      opts.checksum ? 0x04 : 0,
      ((opts.windowLog ?? 17) - 10) << 3,
    ]),
  ];
  blocks.forEach((block, i) => {
    const last = i === blocks.length - 1 ? 1 : 0;
    const [type, size, data] =
      'raw' in block
        ? [0, block.raw.length, block.raw]
        : 'rle' in block
          ? [1, block.size, Buffer.from([block.rle])]
          : [3, 0, Buffer.alloc(0)];
    const header = last | (type << 1) | (size << 3);
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), data);
  });
  if (opts.checksum) parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

function hasZstdCli(): boolean {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const MiB = 1024 * 1024;

describe('decompressLayer', () => {
  it('detects gzip by its magic bytes and reads every member of a multi-member stream', async () => {
    const one = sampleText(300_000);
    const two = Buffer.from('second member');
    const layer = decompressLayer(chunked(Buffer.concat([gzipSync(one), gzipSync(two)]), 4096), {
      maxBytes: MiB,
    });
    expect((await collect(layer)).equals(Buffer.concat([one, two]))).toBe(true);
    expect(layer.compression).toBe('gzip');
    expect(layer.bytes).toBe(one.length + two.length);
  });

  it('passes a plain tar through unchanged', async () => {
    const tar = buildTar([{ type: 'file', path: 'a', content: 'b' }]);
    const layer = decompressLayer(chunked(tar, 100), { maxBytes: MiB });
    expect((await collect(layer)).equals(tar)).toBe(true);
    expect(layer.compression).toBe('none');
  });

  it('reads a zstd layer made by the zstd tool', async () => {
    const layer = decompressLayer(chunked(Buffer.from(ZSTD_LAYER_FIXTURE, 'base64'), 50), {
      maxBytes: MiB,
    });
    const files: Record<string, string> = {};
    for await (const entry of readTar(layer)) {
      if (entry.type === 'file') files[entry.name] = (await collect(entry.body())).toString();
    }
    expect(layer.compression).toBe('zstd');
    expect(files['etc/os-release']).toBe('ID=alpine\nVERSION_ID=3.20.3\n');
    expect(files['lib/apk/db/installed']).toContain('P:busybox\nV:1.36.1-r29\n');
  });

  it.runIf(hasZstdCli())(
    'reads a multi-frame, multi-block zstd stream cut at any point',
    async () => {
      const text = sampleText(3 * MiB);
      const a = execFileSync('zstd', ['-q', '-3', '-c'], { input: text.subarray(0, 2 * MiB) });
      const b = execFileSync('zstd', ['-q', '-1', '-c', '--no-check'], {
        input: text.subarray(2 * MiB),
      });
      for (const size of [1000, 65536]) {
        const out = await collect(
          decompressLayer(chunked(Buffer.concat([a, b]), size), { maxBytes: 4 * MiB }),
        );
        expect(out.equals(text)).toBe(true);
      }
    },
  );

  it('reads hand-made zstd frames: raw and RLE blocks, checksums, skippable frames', async () => {
    const data = Buffer.concat([
      zstdFrame([{ raw: Buffer.from('hello ') }, { rle: 0x61, size: 5 }], { checksum: true }),
      Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]),
      zstdFrame([{ raw: Buffer.from(' world') }]),
    ]);
    for (const size of [1, 3, data.length]) {
      const out = await collect(decompressLayer(chunked(data, size), { maxBytes: MiB }));
      expect(out.toString()).toBe('hello aaaaa world');
    }
  });

  it('stops a zstd bomb of RLE blocks at the limit, never decoding far ahead of the reader', async () => {
    // 16,384 blocks of 4 bytes, each expanding to 128 KiB: 2 GiB from 64 KiB.
    const bomb = zstdFrame(Array.from({ length: 16384 }, () => ({ rle: 0, size: 128 * 1024 })));
    const before = memory();
    let peak = 0;
    let consumed = 0;
    let ahead = 0;
    const layer = decompressLayer(chunked(bomb, 65536), { maxBytes: 256 * MiB });
    await expect(
      (async () => {
        for await (const chunk of layer) {
          consumed += chunk.length;
          ahead = Math.max(ahead, layer.bytes - consumed);
          peak = Math.max(peak, memory() - before);
        }
      })(),
    ).rejects.toThrow(new LayerTooLargeError(256 * MiB));
    // The reader got nearly everything up to the limit, a few MiB at a time.
    expect(consumed).toBeGreaterThan(248 * MiB);
    expect(ahead).toBeLessThanOrEqual(4 * MiB);
    expect(peak).toBeLessThan(64 * MiB);
  });

  it('refuses zstd windows and blocks larger than encoders write, before allocating them', async () => {
    const hugeWindow = zstdFrame([{ raw: Buffer.from('x') }], { windowLog: 31 });
    await expect(
      collect(decompressLayer(chunked(hugeWindow, 64), { maxBytes: MiB })),
    ).rejects.toThrow(
      new LayerDecodeError(
        `corrupt zstd data at byte 6: a window of ${2 ** 31} bytes; at most ${MAX_ZSTD_WINDOW} are accepted`,
      ),
    );
    const hugeBlock = zstdFrame([{ rle: 1, size: 2 * MiB - 1 }]);
    await expect(
      collect(decompressLayer(chunked(hugeBlock, 64), { maxBytes: 8 * MiB })),
    ).rejects.toThrow(/a block of 2097151 bytes; blocks are at most 128 KiB/);
    const reserved = zstdFrame([{ type: 3 }]);
    await expect(
      collect(decompressLayer(chunked(reserved, 64), { maxBytes: MiB })),
    ).rejects.toThrow(/reserved block type/);
  });

  it('fails on truncated zstd and on bytes that are not a zstd frame', async () => {
    const frame = zstdFrame([{ raw: Buffer.from('abcdef') }]);
    await expect(
      collect(decompressLayer(chunked(frame.subarray(0, frame.length - 2), 4), { maxBytes: MiB })),
    ).rejects.toThrow(new LayerDecodeError('zstd data is truncated'));
    const trailing = Buffer.concat([frame, Buffer.from('junk')]);
    await expect(collect(decompressLayer(chunked(trailing, 4), { maxBytes: MiB }))).rejects.toThrow(
      /corrupt zstd data at byte 19: not a zstd frame/,
    );
  });

  it('fails on gzip corrupted mid-stream, or cut short, as corrupt data', async () => {
    const gz = gzipSync(sampleText(500_000));
    const corrupt = Buffer.from(gz);
    for (let i = gz.length >> 1; i < (gz.length >> 1) + 64; i++) corrupt[i] ^= 0x5a;
    await expect(
      collect(decompressLayer(chunked(corrupt, 8192), { maxBytes: 4 * MiB })),
    ).rejects.toThrow(LayerDecodeError);
    await expect(
      collect(
        decompressLayer(chunked(gz.subarray(0, gz.length - 100), 8192), { maxBytes: 4 * MiB }),
      ),
    ).rejects.toThrow(/corrupt gzip data: unexpected end of file/);
  });

  it('fails past the byte limit, for plain and compressed layers alike', async () => {
    const text = sampleText(200_000);
    for (const data of [text, gzipSync(text)]) {
      const layer = decompressLayer(chunked(data, 1024), { maxBytes: 100_000 });
      await expect(collect(layer)).rejects.toThrow(new LayerTooLargeError(100_000));
    }
  });

  it('lets errors of the source itself through unchanged', async () => {
    const failure = new Error('blob store unreachable');
    async function* failing(first: Buffer): AsyncGenerator<Buffer> {
      yield first;
      throw failure;
    }
    const gz = gzipSync(sampleText(100_000));
    await expect(
      collect(decompressLayer(failing(gz.subarray(0, 1000)), { maxBytes: MiB })),
    ).rejects.toBe(failure);
    await expect(
      collect(decompressLayer(failing(Buffer.from('plain tar bytes')), { maxBytes: MiB })),
    ).rejects.toBe(failure);
  });
});

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
