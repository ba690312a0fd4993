import { finished, type Readable } from 'node:stream';
import type { ChunkObserver } from '../blob-store.port';

export interface StreamIntoOptions {
  /** Writes chunks, in order; resolves when they may be dropped. One call runs at a time. */
  stage(chunks: Buffer[], bytes: number): Promise<void>;
  observe?: ChunkObserver;
  /** The source is paused while this many bytes wait for the running stage() call. */
  maxQueuedBytes: number;
  signal?: AbortSignal;
}

/**
 * Moves a stream into storage with as little per-chunk work as possible: chunks arriving while a
 * stage() call runs are queued and handed over together as one array (a single writev, no copy),
 * the source is paused only when the queue is full, and no stream objects sit in between.
 * Resolves with the bytes staged once the source has ended and everything is staged. On failure
 * (source error or premature close, observer or stage error, abort) the source is destroyed and
 * the promise rejects only after a running stage() call has settled.
 */
export function streamInto(source: Readable, opts: StreamIntoOptions): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let queue: Buffer[] = [];
    let queued = 0;
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
      source.destroy();
      const rejectLater = (): void => reject(error);
      if (running) void running.then(rejectLater, rejectLater);
      else reject(error);
    };
    const flush = (): void => {
      if (settled) return;
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
      const run = opts.stage(chunks, bytes);
      running = run;
      run.then(
        () => {
          running = undefined;
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
      queue.push(chunk);
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
