import { randomUUID } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type {
  BlobSource,
  BlobStat,
  BlobStore,
  BlobWriter,
  ByteRange,
  ChunkObserver,
} from '../blob-store.port';
import {
  BlobNotFoundError,
  InvalidBlobKeyError,
  StorageUnavailableError,
} from '../blob-store.errors';
import { assertValidBlobKey, assertValidBlobPrefix, RESERVED_TMP_SEGMENT } from '../blob-key';
import { resolveByteRange } from '../byte-range';
import { putThroughWriter, StagedBlobWriter } from './staged-blob-writer';
import { FileBlobReadable } from './file-blob-readable';
import { streamInto } from './stream-into';

/** Bytes queued while a write runs, then written together. */
const WRITE_BUFFER_BYTES = 1024 * 1024;
/**
 * A long write starts a datasync of what it has written every this many bytes, in the
 * background, so the page cache is flushed while the rest arrives and the fsync that makes the
 * blob durable only has the tail left (1 GiB of dirty pages takes ~0.4 s to flush at the end).
 * Not more often: every datasync ends in a flush of the device's cache, which on a virtual disk
 * costs tens of milliseconds; at every 32 MiB those flushes halved 1 GiB push throughput.
 */
const BACKGROUND_SYNC_BYTES = 256 * 1024 * 1024;

export interface FilesystemBlobStoreOptions {
  root: string;
  /** Staged files older than this are removed at startup (left by a crash); default one day. */
  staleTmpAfterMs?: number;
}

const DEFAULT_STALE_TMP_MS = 24 * 60 * 60 * 1000;
const RENAME_ATTEMPTS = 5;

/**
 * Blobs as files under one root. Writes are staged in `<root>/_tmp` (same filesystem, so the
 * final rename is atomic), fsynced, then renamed into place and the directory entry fsynced.
 */
export class FilesystemBlobStore implements BlobStore {
  readonly driverName = 'filesystem' as const;
  private readonly tmpDir: string;
  /** Bytes written in place (writeAt) since the key's last background datasync, per key. */
  private readonly unsyncedInPlace = new Map<string, number>();

  private constructor(readonly root: string) {
    this.tmpDir = path.join(root, RESERVED_TMP_SEGMENT);
  }

  /** Creates the root and staging directory if needed and clears stale staged files. */
  static async open(options: FilesystemBlobStoreOptions): Promise<FilesystemBlobStore> {
    const store = new FilesystemBlobStore(path.resolve(options.root));
    try {
      await fsp.mkdir(store.tmpDir, { recursive: true });
      await store.sweepStaleTmp(options.staleTmpAfterMs ?? DEFAULT_STALE_TMP_MS);
    } catch (e) {
      throw new StorageUnavailableError(
        `blob directory ${store.root} cannot be used: ${String(e)}`,
        { cause: e },
      );
    }
    return store;
  }

  async stat(key: string): Promise<BlobStat> {
    assertValidBlobKey(key);
    const st = await fsp.stat(this.pathOf(key)).catch((e: unknown) => rethrowMissing(e, key));
    if (!st.isFile()) throw new BlobNotFoundError(key);
    return { key, size: st.size, modifiedAt: st.mtime };
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    assertValidBlobKey(key);
    // Size and stream come from one open file, so a concurrent overwrite cannot mix versions.
    const handle = await fsp
      .open(this.pathOf(key), 'r')
      .catch((e: unknown) => rethrowMissing(e, key));
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new BlobNotFoundError(key);
      if (!range) return new FileBlobReadable(handle, 0, st.size);
      const { start, length } = resolveByteRange(key, range, st.size);
      return new FileBlobReadable(handle, start, length);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  put(key: string, source: BlobSource): Promise<BlobStat> {
    return this.createWriter(key).then((writer) => putThroughWriter(writer, source));
  }

  async createWriter(key: string): Promise<BlobWriter> {
    assertValidBlobKey(key);
    const tmpPath = path.join(this.tmpDir, randomUUID());
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(tmpPath, 'wx');
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
      // Someone removed the staging directory under us; recreate it once.
      await fsp.mkdir(this.tmpDir, { recursive: true });
      handle = await fsp.open(tmpPath, 'wx');
    }
    return new FilesystemBlobWriter(key, handle, tmpPath, (from) =>
      this.renameIntoPlace(from, key),
    );
  }

  async writeAt(
    key: string,
    offset: number,
    source: Readable,
    observe?: ChunkObserver,
  ): Promise<number> {
    assertValidBlobKey(key);
    const file = this.pathOf(key);
    let handle: fsp.FileHandle;
    if (offset === 0) {
      await fsp.mkdir(path.dirname(file), { recursive: true });
      handle = await fsp.open(file, 'w');
    } else {
      handle = await fsp.open(file, 'r+').catch((e: unknown) => rethrowMissing(e, key));
    }
    const syncer = new BackgroundSync(handle, this.unsyncedInPlace.get(key) ?? 0);
    let written = false;
    try {
      if (offset > 0 && (await handle.stat()).size < offset) throw new BlobNotFoundError(key);
      let position = offset;
      await streamInto(source, {
        stage: async (chunks, bytes) => {
          await writeAllAt(handle, chunks, position);
          position += bytes;
          syncer.wrote(bytes);
        },
        observe,
        maxQueuedBytes: WRITE_BUFFER_BYTES,
        coalesce: true,
      });
      await handle.truncate(position);
      written = true;
      return position - offset;
    } finally {
      // Not durable yet (move() makes it so). Bytes not yet flushed count towards the key's next
      // background datasync, whichever call writes them; the file closes once a running one ends.
      this.unsyncedInPlace.set(key, syncer.unsyncedBytes);
      const closing = syncer.settled().then(() => handle.close());
      if (!written) await closing;
      else void closing.catch(() => undefined);
    }
  }

  async move(from: string, to: string): Promise<void> {
    assertValidBlobKey(from);
    assertValidBlobKey(to);
    const source = this.pathOf(from);
    const st = await fsp.lstat(source).catch((e: unknown) => rethrowMissing(e, from));
    if (!st.isFile()) throw new BlobNotFoundError(from);
    if (from === to) return;
    this.unsyncedInPlace.delete(from);
    // Staged bytes (writeAt) may still be in the page cache: durable first, then visible.
    await fsyncFile(source).catch((e: unknown) => rethrowMissing(e, from));
    try {
      await this.renameIntoPlace(source, to);
    } catch (e) {
      if (errno(e) === 'ENOENT') throw new BlobNotFoundError(from);
      throw e;
    }
    await this.pruneEmptyDirs(path.dirname(source));
  }

  async delete(key: string): Promise<void> {
    assertValidBlobKey(key);
    this.unsyncedInPlace.delete(key);
    const file = this.pathOf(key);
    try {
      await fsp.unlink(file);
    } catch (e) {
      // Missing, or a directory that only exists because longer keys live below it.
      if (['ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM'].includes(errno(e) ?? '')) return;
      throw e;
    }
    await this.pruneEmptyDirs(path.dirname(file));
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertValidBlobPrefix(prefix);
    const cut = prefix.lastIndexOf('/');
    const base = cut < 0 ? '' : prefix.slice(0, cut);
    yield* this.walk(base, prefix);
  }

  async presignedGetUrl(key: string): Promise<string | undefined> {
    assertValidBlobKey(key);
    return undefined;
  }

  async healthCheck(): Promise<void> {
    const probe = path.join(this.tmpDir, `health-${randomUUID()}`);
    try {
      await fsp.mkdir(this.tmpDir, { recursive: true });
      const handle = await fsp.open(probe, 'wx');
      try {
        await handle.writeFile('ok');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.unlink(probe);
    } catch (e) {
      await fsp.rm(probe, { force: true }).catch(() => undefined);
      throw new StorageUnavailableError(
        `blob directory ${this.root} is not writable: ${String(e)}`,
        { cause: e },
      );
    }
  }

  private pathOf(key: string): string {
    const resolved = path.join(this.root, ...key.split('/'));
    // Validation already rules this out; a second check costs nothing where a mistake costs a lot.
    if (!resolved.startsWith(this.root + path.sep))
      throw new InvalidBlobKeyError(key, 'escapes the root');
    return resolved;
  }

  /** Renames `from` onto the file for `key`, making parent directories, then fsyncs the directory. */
  private async renameIntoPlace(from: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    for (let attempt = 1; ; attempt++) {
      try {
        // The directory usually exists (256 fan-out directories per algorithm): make it on ENOENT only.
        if (attempt > 1) await fsp.mkdir(dir, { recursive: true });
        await fsp.rename(from, target);
        break;
      } catch (e) {
        const code = errno(e);
        if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR') {
          throw new InvalidBlobKeyError(
            key,
            'collides with another key used as a directory on the filesystem driver',
          );
        }
        // The directory is missing, or a concurrent delete pruned the one we just made: make it (again).
        if (code === 'ENOENT' && attempt < RENAME_ATTEMPTS && (await exists(from))) continue;
        throw e;
      }
    }
    await fsyncDir(dir);
  }

  /** Removes now-empty directories from `dir` up to (not including) the root. */
  private async pruneEmptyDirs(dir: string): Promise<void> {
    let current = dir;
    while (current.startsWith(this.root + path.sep)) {
      try {
        await fsp.rmdir(current);
      } catch {
        return; // not empty, already gone, or busy: all fine to leave
      }
      current = path.dirname(current);
    }
  }

  private async *walk(relDir: string, prefix: string): AsyncIterable<string> {
    const absDir = relDir === '' ? this.root : this.pathOfDir(relDir);
    let dir: Awaited<ReturnType<typeof fsp.opendir>>;
    try {
      dir = await fsp.opendir(absDir);
    } catch (e) {
      if (['ENOENT', 'ENOTDIR'].includes(errno(e) ?? '')) return;
      throw e;
    }
    for await (const entry of dir) {
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (relDir === '' && entry.name === RESERVED_TMP_SEGMENT) continue;
      if (entry.isDirectory()) {
        const asDir = `${rel}/`;
        if (asDir.startsWith(prefix) || prefix.startsWith(asDir)) yield* this.walk(rel, prefix);
      } else if (entry.isFile() && rel.startsWith(prefix)) {
        yield rel;
      }
    }
  }

  private pathOfDir(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  private async sweepStaleTmp(olderThanMs: number): Promise<void> {
    const cutoff = Date.now() - olderThanMs;
    for (const name of await fsp.readdir(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      const st = await fsp.lstat(file).catch(() => undefined);
      if (st && st.mtimeMs < cutoff) await fsp.rm(file, { force: true, recursive: true });
    }
  }
}

class FilesystemBlobWriter extends StagedBlobWriter {
  protected override readonly coalesceChunks = true;
  private closed = false;
  private readonly syncer: BackgroundSync;

  constructor(
    key: string,
    private readonly handle: fsp.FileHandle,
    private readonly tmpPath: string,
    private readonly install: (from: string) => Promise<void>,
  ) {
    super(key);
    this.syncer = new BackgroundSync(handle);
  }

  protected stage(chunk: Buffer): Promise<void> {
    return this.stageMany([chunk]);
  }

  protected override async stageMany(chunks: Buffer[]): Promise<void> {
    await writeAllAt(this.handle, chunks, this.size);
    let bytes = 0;
    for (const chunk of chunks) bytes += chunk.length;
    this.syncer.wrote(bytes);
  }

  protected async publish(size: number): Promise<BlobStat> {
    // Each step is a thread-pool round trip on the commit path: no stat just for the time.
    const modifiedAt = new Date();
    // A background flush that failed may not be reported by a later fsync: it fails the commit.
    await this.syncer.settled({ rethrow: true });
    await this.handle.sync();
    await this.close();
    await this.install(this.tmpPath);
    return { key: this.key, size, modifiedAt };
  }

  protected async discard(): Promise<void> {
    await this.syncer.settled();
    await this.close().catch(() => undefined);
    await fsp.rm(this.tmpPath, { force: true });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

/**
 * Flushes a file being written in the background, at most one datasync at a time, once every
 * BACKGROUND_SYNC_BYTES written. Only an early start: the final fsync stays with the caller.
 */
class BackgroundSync {
  private running?: Promise<void>;
  private error?: unknown;

  /** `unsynced`: bytes already written to the file, not flushed, before this writer began. */
  constructor(
    private readonly handle: fsp.FileHandle,
    private unsynced = 0,
  ) {}

  get unsyncedBytes(): number {
    return this.unsynced;
  }

  wrote(bytes: number): void {
    this.unsynced += bytes;
    if (this.unsynced >= BACKGROUND_SYNC_BYTES && !this.running) void this.kick();
  }

  /** Starts a datasync unless one runs; resolves when the running one ends (never rejects). */
  kick(): Promise<void> {
    if (this.running) return this.running;
    this.unsynced = 0;
    const run: Promise<void> = this.handle
      .datasync()
      .catch((e: unknown) => {
        this.error ??= e;
      })
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
    return run;
  }

  /** Waits for a running datasync; with rethrow, fails if any background datasync failed. */
  async settled(opts: { rethrow?: boolean } = {}): Promise<void> {
    await this.running;
    if (opts.rethrow && this.error !== undefined) throw this.error;
  }
}

/** Writes the buffers at `position` with as few writev calls as the kernel allows. */
async function writeAllAt(
  handle: fsp.FileHandle,
  buffers: Buffer[],
  position: number,
): Promise<void> {
  let pending = buffers.filter((b) => b.length > 0);
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending, position);
    position += bytesWritten;
    let skip = bytesWritten;
    const rest: Buffer[] = [];
    for (const b of pending) {
      if (skip >= b.length) skip -= b.length;
      else {
        rest.push(skip > 0 ? b.subarray(skip) : b);
        skip = 0;
      }
    }
    pending = rest;
  }
}

function errno(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

function rethrowMissing(e: unknown, key: string): never {
  if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errno(e) ?? '')) throw new BlobNotFoundError(key);
  throw e;
}

async function exists(file: string): Promise<boolean> {
  return fsp.lstat(file).then(
    () => true,
    () => false,
  );
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await fsp.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } catch (e) {
    // Some filesystems cannot fsync a directory; the rename itself has still happened.
    if (errno(e) !== 'EINVAL') throw e;
  } finally {
    await handle.close();
  }
}
