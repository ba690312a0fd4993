import type { Readable } from 'node:stream';

/** Injection token of the process's BlobStore (see StorageModule). */
export const BLOB_STORE = Symbol('BLOB_STORE');

/**
 * A blob key: a relative, '/'-separated path such as `blobs/sha256/ab/<hex>` or
 * `uploads/<id>/data`. Segments use [A-Za-z0-9._~:@+=-], are never empty, `.` or `..`, and the
 * top-level segment `_tmp` is reserved for the drivers' in-flight writes.
 */
export type BlobKey = string;

export interface BlobStat {
  key: BlobKey;
  size: number;
  modifiedAt: Date;
}

/** Bytes `start` to `end`, both inclusive as in HTTP; no `end` means to the last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

/** Bytes to write: a stream (read with back-pressure) or bytes already in memory. */
export type BlobSource = Readable | Uint8Array;

/**
 * Sees every chunk of a write, in order, as it is taken from the source (to hash or count it
 * without a stream in between); throwing fails the write.
 */
export type ChunkObserver = (chunk: Buffer) => void;

/**
 * Writes one blob aside; nothing is visible under `key` until `commit()` resolves.
 * Appends run one at a time, so a registry upload session can append each PATCH body in turn.
 * An append or commit that fails aborts the writer: it leaves nothing behind and accepts no more
 * calls. The writer lives in this process; it does not survive a restart.
 */
export interface BlobWriter {
  readonly key: BlobKey;
  /** Bytes accepted so far. */
  readonly size: number;
  /** Streams `source` to the end of the blob; resolves with the new size once it is all written. */
  append(source: BlobSource, observe?: ChunkObserver): Promise<number>;
  /** Makes the blob visible under `key` in one step, replacing any previous blob there. */
  commit(): Promise<BlobStat>;
  /** Discards what was written; idempotent, and a no-op after commit. Interrupts a running append. */
  abort(): Promise<void>;
}

/** The one port to blob bytes; drivers: filesystem (all-in-one) and S3 (distributed). */
export interface BlobStore {
  readonly driverName: 'filesystem' | 's3';

  /** @throws BlobNotFoundError */
  stat(key: BlobKey): Promise<BlobStat>;

  /**
   * Streams the blob, or the part of it `range` selects (an `end` past the last byte is clamped).
   * @throws BlobNotFoundError, RangeNotSatisfiableError
   */
  read(key: BlobKey, range?: ByteRange): Promise<Readable>;

  /** Writes a whole blob atomically: readers see the old blob or the new one, never a part. */
  put(key: BlobKey, source: BlobSource): Promise<BlobStat>;

  /** Starts a write aside that becomes visible under `key` only on commit. */
  createWriter(key: BlobKey): Promise<BlobWriter>;

  /**
   * Drivers that can grow a file in place (filesystem): writes `source` into the blob at byte
   * `offset` (creating it when `offset` is 0), cuts off whatever followed, and resolves with the
   * bytes written. An upload session then grows one staged blob instead of storing one object
   * per chunk. Not atomic and not yet durable: for staging, never for a published key; `move`
   * makes the bytes durable before they appear under the target key.
   * @throws BlobNotFoundError when the blob is missing or shorter than `offset`
   */
  writeAt?(
    key: BlobKey,
    offset: number,
    source: Readable,
    observe?: ChunkObserver,
  ): Promise<number>;

  /**
   * Moves a blob; readers of `to` see either nothing (or its previous blob) or all of it, and
   * what they see is durable.
   * @throws BlobNotFoundError when `from` is missing
   */
  move(from: BlobKey, to: BlobKey): Promise<void>;

  /** Removes a blob; removing a missing blob is not an error. */
  delete(key: BlobKey): Promise<void>;

  /** Keys that start with `prefix` (a plain string prefix, as in S3), in no particular order. */
  list(prefix: string): AsyncIterable<BlobKey>;

  /** A URL a client may GET the blob from directly, or undefined when the driver does not redirect. */
  presignedGetUrl(key: BlobKey, ttlSeconds: number): Promise<string | undefined>;

  /** @throws StorageUnavailableError when blobs can be neither written nor read. */
  healthCheck(): Promise<void>;
}
