import { createCipheriv, createHash, randomBytes, randomFillSync, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';

export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * `size` pseudo-random bytes in `chunkSize` chunks, produced on demand and fed to `hash` as they
 * are handed out. With `ring`, chunks are that many buffers refilled in turn instead of fresh
 * allocations, so a memory measurement shows the code under test rather than the generator's
 * garbage; a consumer that kept a chunk past its write callback would store overwritten bytes
 * and fail a digest check.
 */
export function pseudoRandomStream(
  size: number,
  options: { chunkSize?: number; hash?: Hash; ring?: number } = {},
): Readable {
  const chunkSize = options.chunkSize ?? MIB;
  const next = options.ring ? refilledRing(chunkSize, options.ring) : keystream(chunkSize);
  let remaining = size;
  return new Readable({
    read() {
      if (remaining === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(chunkSize, remaining);
      const chunk = next(n);
      remaining -= n;
      options.hash?.update(chunk);
      this.push(chunk);
    },
  });
}

function refilledRing(chunkSize: number, slots: number): (n: number) => Buffer {
  // Filled now so their pages are resident before anyone takes a memory baseline.
  const ring = Array.from({ length: slots }, () => randomFillSync(Buffer.allocUnsafe(chunkSize)));
  let turn = 0;
  return (n) => {
    const slot = ring[turn++ % slots].subarray(0, n);
    return randomFillSync(slot);
  };
}

/** A fresh AES-CTR keystream: pseudo-random, incompressible and fast to make. */
function keystream(maxChunk: number): (n: number) => Buffer {
  const cipher = createCipheriv('aes-256-ctr', randomBytes(32), randomBytes(16));
  const zeros = Buffer.alloc(maxChunk);
  return (n) => cipher.update(n === maxChunk ? zeros : zeros.subarray(0, n));
}

/** Streams `data` in chunks of varying size, yielding to the event loop between them. */
export function chunkedStream(data: Buffer, maxChunk = 256 * KIB): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.length) {
        this.push(null);
        return;
      }
      const n = 1 + Math.floor(Math.random() * maxChunk);
      const chunk = data.subarray(offset, offset + n);
      offset += chunk.length;
      setImmediate(() => this.push(chunk));
    },
  });
}

/** Emits `before` pseudo-random bytes, then fails the way a dropped client connection does. */
export function failingStream(before: number, error: Error, chunkSize = 256 * KIB): Readable {
  const next = keystream(chunkSize);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= before) {
        this.destroy(error);
        return;
      }
      const n = Math.min(chunkSize, before - sent);
      sent += n;
      this.push(next(n));
    },
  });
}

/** Emits one chunk and then nothing, like a client that stops sending without closing. */
export function stallingStream(first: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(first);
      }
    },
  });
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** sha256 and length of a stream, without keeping it. */
export async function hashStream(stream: Readable): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: hash.digest('hex'), size };
}
