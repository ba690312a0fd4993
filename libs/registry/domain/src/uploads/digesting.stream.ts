import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** Passes bytes through unchanged while counting them and, when given a hash, hashing them. */
export class DigestingStream extends Transform {
  bytes = 0;

  constructor(readonly hash?: Hash) {
    // Request bodies arrive in 64 KiB reads; room for a few keeps the socket flowing while storage writes.
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    done(null, chunk);
  }
}

/** Counts and, when given a hash, hashes chunks handed to `observe` (a storage ChunkObserver). */
export class ChunkDigest {
  bytes = 0;

  constructor(readonly hash?: Hash) {}

  readonly observe = (chunk: Buffer): void => {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
  };
}

export function newHash(algorithm: string): Hash {
  return createHash(algorithm);
}

/** Pipes `source` through a DigestingStream, forwarding the source's errors so callers see them. */
export function digesting(source: Readable, hash?: Hash): DigestingStream {
  const through = new DigestingStream(hash);
  source.once('error', (e) => through.destroy(e));
  return source.pipe(through);
}
