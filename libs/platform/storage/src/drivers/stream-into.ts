import { finished, type Readable } from 'node:stream';
import type { ChunkObserver } from '../blob-store.port';
import { bufferPool, POOLED_BUFFER_BYTES } from './buffer-pool';

export interface StreamIntoOptions {
  /** Writes chunks, in order; resolves when they may be dropped. One call runs at a time. */
  stage(chunks: Buffer[], bytes: number): Promise<void>;
  observe?: ChunkObserver;
  /** The source is paused while this many bytes wait for the running stage() call. */
  maxQueuedBytes: number;
  signal?: AbortSignal;
  /**
   * Copy small chunks into reused 1 MiB slabs as they arrive, for a stage() that writes them out
   * (not one that keeps them). A socket hands over a fresh 64 KiB buffer per read; queued for a
   * write, some live long enough to be promoted to V8's old generation, where only full
   * collections free them: the external-memory limit then forces a mark-compact every ~64 MiB
   * received. Copied at once, they die young and a scavenge frees them.
   */
  coalesce?: boolean;
}

/**
 * Moves a stream into storage with as little per-chunk work as possible: chunks arriving while a
 * stage() call runs are queued and handed over together as one array (a single writev; copied
 * only with `coalesce`),
 * the source is paused only when the queue is full, and no stream objects sit in between.
 * Resolves with the bytes staged once the source has ended and everything is staged. On failure
 * (source error or premature close, observer or stage error, abort) the source is destroyed and
 * the promise rejects only after a running stage() call has settled.
 */
export function streamInto(source: Readable, opts: StreamIntoOptions): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let queue: Buffer[] = [];
    let queued = 0;
    // coalesce: the slab being filled, how far, and the slabs the queued batch points into.
    let slab: Buffer | undefined;
    let slabStart = 0;
    let slabFill = 0;
    let held: Buffer[] = [];
    let staged = 0;
    let running: Promise<void> | undefined;
    let ended = false;
    let settled = false;
    let pausedByUs = false;

    const cleanup = (): void => {
      source.off('data', onData);
      stopWatching();
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      queue = [];
      held = [];
      slab = undefined;
      source.destroy();
      const rejectLater = (): void => reject(error);
      if (running) void running.then(rejectLater, rejectLater);
      else reject(error);
    };
    /** Queues the filled part of the current slab; later chunks go to a fresh one. */
    const closeSlab = (): void => {
      if (slab && slabFill > slabStart) queue.push(slab.subarray(slabStart, slabFill));
      slab = undefined;
    };
    const copyIn = (chunk: Buffer): void => {
      for (let off = 0; off < chunk.length;) {
        if (!slab) {
          slab = bufferPool.take();
          held.push(slab);
          slabStart = slabFill = 0;
        }
        const n = chunk.copy(slab, slabFill, off);
        slabFill += n;
        off += n;
        if (slabFill === slab.length) closeSlab();
      }
    };
    const flush = (): void => {
      if (settled) return;
      closeSlab();
      if (queue.length === 0) {
        if (ended) {
          settled = true;
          cleanup();
          resolve(staged);
        }
        return;
      }
      const chunks = queue;
      const bytes = queued;
      queue = [];
      queued = 0;
      // The queue is empty again: let the next batch gather while this one is written.
      if (pausedByUs) {
        pausedByUs = false;
        source.resume();
      }
      const slabs = held;
      held = [];
      const run = opts.stage(chunks, bytes);
      running = run;
      run.then(
        () => {
          running = undefined;
          for (const used of slabs) bufferPool.give(used);
          staged += bytes;
          flush();
        },
        (e: unknown) => {
          running = undefined;
          fail(e);
        },
      );
    };
    const onData = (data: Buffer | string): void => {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      if (chunk.length === 0) return;
      try {
        opts.observe?.(chunk);
      } catch (e) {
        return fail(e);
      }
      if (opts.coalesce && chunk.length < POOLED_BUFFER_BYTES) copyIn(chunk);
      else {
        closeSlab();
        queue.push(chunk);
      }
      queued += chunk.length;
      if (!running) flush();
      else if (queued >= opts.maxQueuedBytes && !pausedByUs) {
        pausedByUs = true;
        source.pause();
      }
    };
    const onAbort = (): void =>
      fail(opts.signal?.reason ?? new DOMException('The operation was aborted', 'AbortError'));

    if (opts.signal?.aborted) {
      source.destroy();
      return reject(opts.signal.reason);
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const stopWatching = finished(source, { writable: false }, (e) => {
      if (e) return fail(e);
      ended = true;
      if (!running) flush();
    });
    source.on('data', onData);
  });
}
