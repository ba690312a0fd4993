import { Readable } from 'node:stream';
import type { BlobSource, BlobStat, BlobWriter, ChunkObserver } from '../blob-store.port';
import { BlobWriterStateError } from '../blob-store.errors';
import { streamInto } from './stream-into';

type WriterState = 'open' | 'appending' | 'committing' | 'committed' | 'aborted';

/**
 * Bytes a writer takes ahead of storage: while one stage() runs, the next chunks queue up to this
 * and are handed over together (stageMany), so a 64 KiB socket read is not one write each; past
 * it the source is paused.
 */
export const STAGE_BUFFER_BYTES = 1024 * 1024;

/**
 * The write-aside life cycle both drivers share: appends one at a time through a
 * back-pressured pipeline, then commit or abort. A failure anywhere discards the staged bytes.
 * Drivers supply where chunks go (`stage`), how the blob becomes visible (`publish`) and how
 * staged bytes are dropped (`discard`).
 */
export abstract class StagedBlobWriter implements BlobWriter {
  private state: WriterState = 'open';
  private written = 0;
  private appendAbort?: AbortController;
  private stageInFlight?: Promise<void>;
  private running?: Promise<unknown>;
  private failing?: Promise<void>;

  /** Whether stage() writes chunks out rather than keeping them (see StreamIntoOptions.coalesce). */
  protected readonly coalesceChunks: boolean = false;

  constructor(readonly key: string) {}

  get size(): number {
    return this.written;
  }

  /** Takes one chunk; resolves when the chunk may be reused (written or copied). */
  protected abstract stage(chunk: Buffer): Promise<void>;
  /** Takes several chunks at once, in order; drivers that can write them together override it. */
  protected async stageMany(chunks: Buffer[]): Promise<void> {
    for (const chunk of chunks) await this.stage(chunk);
  }
  /** Makes the staged bytes visible under `key`, atomically. */
  protected abstract publish(size: number): Promise<BlobStat>;
  /** Drops whatever is staged; must be safe to call once after any failure. */
  protected abstract discard(): Promise<void>;

  append(source: BlobSource, observe?: ChunkObserver): Promise<number> {
    if (this.state !== 'open') return this.refuse('append');
    this.state = 'appending';
    const controller = new AbortController();
    this.appendAbort = controller;
    const run = (async () => {
      try {
        await streamInto(toReadable(source), {
          stage: (chunks, bytes) => this.stageBatch(chunks, bytes),
          observe,
          maxQueuedBytes: STAGE_BUFFER_BYTES,
          signal: controller.signal,
          coalesce: this.coalesceChunks,
        });
      } catch (e) {
        await this.fail();
        throw e;
      }
      this.state = 'open';
      return this.written;
    })();
    this.running = run.catch(() => undefined);
    return run;
  }

  commit(): Promise<BlobStat> {
    if (this.state !== 'open') return this.refuse('commit');
    this.state = 'committing';
    const run = (async () => {
      try {
        const stat = await this.publish(this.written);
        this.state = 'committed';
        return stat;
      } catch (e) {
        await this.fail();
        throw e;
      }
    })();
    this.running = run.catch(() => undefined);
    return run;
  }

  async abort(): Promise<void> {
    if (this.state === 'appending') {
      this.appendAbort?.abort();
      await this.running;
    } else if (this.state === 'committing') {
      await this.running;
    }
    if (this.state === 'committed' || this.state === 'aborted') return;
    await this.fail();
  }

  private stageBatch(chunks: Buffer[], bytes: number): Promise<void> {
    const staged = (chunks.length === 1 ? this.stage(chunks[0]) : this.stageMany(chunks)).then(
      () => {
        this.written += bytes;
      },
    );
    this.stageInFlight = staged.catch(() => undefined);
    return staged;
  }

  private fail(): Promise<void> {
    this.state = 'aborted';
    this.failing ??= (async () => {
      // An interrupted pipeline may leave a stage() call running; let it settle before discarding.
      await this.stageInFlight;
      await this.discard().catch(() => undefined);
    })();
    return this.failing;
  }

  private refuse(operation: string): Promise<never> {
    return Promise.reject(new BlobWriterStateError(this.key, operation, this.state));
  }
}

export function toReadable(source: BlobSource): Readable {
  if (source instanceof Readable) return source;
  // One chunk, not one per byte: Readable.from iterates a bare Uint8Array element by element.
  return Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)]);
}

/** Writes a whole blob through a writer, aborting it when anything fails. */
export async function putThroughWriter(writer: BlobWriter, source: BlobSource): Promise<BlobStat> {
  try {
    await writer.append(source);
    return await writer.commit();
  } catch (e) {
    await writer.abort();
    throw e;
  }
}
