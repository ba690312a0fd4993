import { Decompress } from 'fzstd';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** How a layer blob is compressed, as its first bytes tell (its media type may say otherwise). */
export type LayerCompression = 'gzip' | 'zstd' | 'none';

/** The compressed data is corrupt or truncated. */
export class LayerDecodeError extends Error {
  override readonly name = 'LayerDecodeError';
}

/** The layer expands past the allowed number of bytes (a decompression bomb, or just too big). */
export class LayerTooLargeError extends Error {
  override readonly name = 'LayerTooLargeError';
  constructor(readonly limit: number) {
    super(`the layer expands to more than ${limit} bytes`);
  }
}

/** Decompressed bytes of a layer, counted as they are read. */
export interface DecompressedLayer extends AsyncIterable<Buffer> {
  /** Known once the first chunk has been read. */
  readonly compression: LayerCompression | undefined;
  /** Decompressed bytes handed out so far. */
  readonly bytes: number;
}

/** How far a layer may expand. */
export interface DecompressOptions {
  /** Fail with `LayerTooLargeError` once more than this many decompressed bytes come out. */
  maxBytes: number;
}

/** The largest zstd window accepted: zstd's own default decoder limit (window log 27). */
export const MAX_ZSTD_WINDOW = 128 * 1024 * 1024;
const ZSTD_MAX_BLOCK = 128 * 1024;
/** Blocks handed to the zstd decoder at once, so one call yields at most 4 MiB. */
const ZSTD_BLOCKS_PER_PUSH = 32;
const GZIP_CHUNK = 256 * 1024;
const EMPTY: Buffer = Buffer.alloc(0);

function isZstdStart(b: Buffer): boolean {
  if (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return true;
  // A skippable frame (magic 0x184D2A5?) may open a zstd stream too.
  return (b[0] & 0xf0) === 0x50 && b[1] === 0x2a && b[2] === 0x4d && b[3] === 0x18;
}

function toBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * Decompresses a layer blob as a stream: gzip (several members allowed), zstd or plain tar,
 * chosen by magic bytes. Output is pulled, so nothing runs ahead of the consumer, and it fails
 * with `LayerTooLargeError` as soon as more than `maxBytes` come out. Corrupt data fails with
 * `LayerDecodeError`; errors of the source itself pass through unchanged.
 */
export function decompressLayer(
  source: AsyncIterable<Uint8Array>,
  options: DecompressOptions,
): DecompressedLayer {
  let compression: LayerCompression | undefined;
  let bytes = 0;
  const { maxBytes } = options;

  const count = (chunk: Buffer): Buffer => {
    bytes += chunk.length;
    if (bytes > maxBytes) throw new LayerTooLargeError(maxBytes);
    return chunk;
  };

  async function* chunks(): AsyncGenerator<Buffer> {
    const it = source[Symbol.asyncIterator]();
    let sourceError: unknown;
    // Reads the source, remembering its own failures so they are not taken for corrupt data.
    const pull = async (): Promise<IteratorResult<Uint8Array>> => {
      try {
        return await it.next();
      } catch (err) {
        sourceError = err;
        throw err;
      }
    };
    try {
      let head: Buffer = EMPTY;
      const pending: Buffer[] = [];
      while (head.length < 4) {
        const r = await pull();
        if (r.done) break;
        pending.push(toBuffer(r.value));
        head = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      }
      if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) compression = 'gzip';
      else if (head.length >= 4 && isZstdStart(head)) compression = 'zstd';
      else compression = 'none';

      async function* rest(): AsyncGenerator<Buffer> {
        if (head.length > 0) yield head;
        for (;;) {
          const r = await pull();
          if (r.done) return;
          yield toBuffer(r.value);
        }
      }

      if (compression === 'none') {
        for await (const chunk of rest()) yield count(chunk);
      } else if (compression === 'gzip') {
        yield* gunzip(rest(), count, () => sourceError);
      } else {
        yield* unzstd(rest(), count);
      }
    } finally {
      await it.return?.();
    }
  }

  const iterable = chunks();
  return {
    get compression() {
      return compression;
    },
    get bytes() {
      return bytes;
    },
    [Symbol.asyncIterator]: () => iterable,
  };
}

async function* gunzip(
  input: AsyncGenerator<Buffer>,
  count: (b: Buffer) => Buffer,
  sourceError: () => unknown,
): AsyncGenerator<Buffer> {
  const inflater = createGunzip({ chunkSize: GZIP_CHUNK });
  pipeline(Readable.from(input, { objectMode: false, highWaterMark: GZIP_CHUNK }), inflater, () => {
    // Failures surface through the iteration below.
  });
  try {
    for await (const chunk of inflater) yield count(chunk as Buffer);
  } catch (err) {
    if (err instanceof LayerTooLargeError || err === sourceError()) throw err;
    throw new LayerDecodeError(
      `corrupt gzip data: ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    inflater.destroy();
  }
}

const enum ZstdState {
  Magic,
  SkippableSize,
  Descriptor,
  FrameHeader,
  BlockHeader,
  BlockData,
  Checksum,
  SkippableData,
}

/**
 * Follows zstd frame and block headers (RFC 8878) ahead of the decoder, to refuse windows and
 * blocks larger than honest encoders write and to feed the decoder a bounded number of blocks
 * at a time: a single RLE block of a few bytes can otherwise expand to megabytes in one call.
 */
class ZstdFrameScanner {
  private state = ZstdState.Magic;
  private readonly header = new Uint8Array(16);
  private need = 4;
  private have = 0;
  private skip = 0;
  private descriptor = 0;
  private lastBlock = false;
  private offset = 0;

  atFrameBoundary(): boolean {
    return this.state === ZstdState.Magic && this.have === 0;
  }

  /** Reads `chunk` from `pos`; stops after `maxBlocks` whole blocks or at its end. Returns where it stopped. */
  advance(chunk: Buffer, pos: number, maxBlocks: number): number {
    let blocks = 0;
    while (pos < chunk.length) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, chunk.length - pos);
        pos += take;
        this.offset += take;
        this.skip -= take;
        if (this.skip > 0) break;
      } else {
        this.header[this.have++] = chunk[pos++];
        this.offset++;
        if (this.have < this.need) continue;
        this.onHeader();
        if (this.skip > 0) continue;
      }
      if (this.endOfData() && ++blocks >= maxBlocks) break;
    }
    return pos;
  }

  private expect(state: ZstdState, need: number): void {
    this.state = state;
    this.have = 0;
    this.need = need;
  }

  /** After a data section has been passed (or a header with none): true when a block ended. */
  private endOfData(): boolean {
    switch (this.state) {
      case ZstdState.BlockData:
        if (!this.lastBlock) this.expect(ZstdState.BlockHeader, 3);
        else if (this.descriptor & 0x04) this.startData(ZstdState.Checksum, 4);
        else this.expect(ZstdState.Magic, 4);
        return true;
      case ZstdState.Checksum:
      case ZstdState.SkippableData:
        this.expect(ZstdState.Magic, 4);
        return false;
      default:
        return false;
    }
  }

  private startData(state: ZstdState, size: number): void {
    this.state = state;
    this.have = 0;
    this.skip = size;
  }

  private fail(reason: string): never {
    throw new LayerDecodeError(`corrupt zstd data at byte ${this.offset}: ${reason}`);
  }

  private onHeader(): void {
    const h = this.header;
    switch (this.state) {
      case ZstdState.Magic:
        if (h[0] === 0x28 && h[1] === 0xb5 && h[2] === 0x2f && h[3] === 0xfd) {
          this.expect(ZstdState.Descriptor, 1);
        } else if ((h[0] & 0xf0) === 0x50 && h[1] === 0x2a && h[2] === 0x4d && h[3] === 0x18) {
          this.expect(ZstdState.SkippableSize, 4);
        } else {
          this.fail('not a zstd frame');
        }
        return;
      case ZstdState.SkippableSize:
        this.startData(
          ZstdState.SkippableData,
          (h[0] | (h[1] << 8) | (h[2] << 16)) + h[3] * 2 ** 24,
        );
        return;
      case ZstdState.Descriptor: {
        const d = h[0];
        if (d & 0x08) this.fail('reserved frame header bit set');
        this.descriptor = d;
        const singleSegment = (d >> 5) & 1;
        // Single-segment frames have no window descriptor; the content size is the window.
        this.expect(
          ZstdState.FrameHeader,
          (singleSegment ? 0 : 1) + dictIdBytes(d) + contentSizeBytes(d),
        );
        return;
      }
      case ZstdState.FrameHeader: {
        const d = this.descriptor;
        let window: number;
        if ((d >> 5) & 1) {
          const sizeBytes = contentSizeBytes(d);
          const start = dictIdBytes(d);
          window = 0;
          for (let i = sizeBytes - 1; i >= 0; i--) window = window * 256 + h[start + i];
          if (sizeBytes === 2) window += 256;
        } else {
          const base = 2 ** (10 + (h[0] >> 3));
          window = base + (base / 8) * (h[0] & 7);
        }
        if (window > MAX_ZSTD_WINDOW) {
          this.fail(`a window of ${window} bytes; at most ${MAX_ZSTD_WINDOW} are accepted`);
        }
        this.expect(ZstdState.BlockHeader, 3);
        return;
      }
      case ZstdState.BlockHeader: {
        const b = h[0] | (h[1] << 8) | (h[2] << 16);
        const type = (b >> 1) & 3;
        const size = b >>> 3;
        if (type === 3) this.fail('reserved block type');
        if (size > ZSTD_MAX_BLOCK)
          this.fail(`a block of ${size} bytes; blocks are at most 128 KiB`);
        this.lastBlock = (b & 1) === 1;
        // An RLE block stores one byte, repeated `size` times.
        this.startData(ZstdState.BlockData, type === 1 ? 1 : size);
        return;
      }
    }
  }
}

function dictIdBytes(descriptor: number): number {
  return [0, 1, 2, 4][descriptor & 3];
}

function contentSizeBytes(descriptor: number): number {
  const flag = descriptor >> 6;
  return flag === 0 ? (descriptor >> 5) & 1 : 1 << flag;
}

async function* unzstd(
  input: AsyncGenerator<Buffer>,
  count: (b: Buffer) => Buffer,
): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  const decoder = new Decompress((data) => {
    if (data.length > 0) out.push(count(toBuffer(data)));
  });
  const scanner = new ZstdFrameScanner();
  const push = (data: Buffer, final: boolean): void => {
    try {
      decoder.push(data, final);
    } catch (err) {
      if (err instanceof LayerTooLargeError) throw err;
      throw new LayerDecodeError(
        `corrupt zstd data: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
  for await (const chunk of input) {
    let pos = 0;
    while (pos < chunk.length) {
      const stop = scanner.advance(chunk, pos, ZSTD_BLOCKS_PER_PUSH);
      push(chunk.subarray(pos, stop), false);
      pos = stop;
      yield* drain(out);
    }
  }
  if (!scanner.atFrameBoundary()) throw new LayerDecodeError('zstd data is truncated');
  push(EMPTY, true);
  yield* drain(out);
}

function* drain(out: Buffer[]): Generator<Buffer> {
  for (let i = 0; i < out.length; i++) yield out[i];
  out.length = 0;
}
