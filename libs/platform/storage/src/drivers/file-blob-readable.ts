import type { FileHandle } from 'node:fs/promises';
import { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { bufferPool } from './buffer-pool';

/**
 * Read size for ordinary consumers. Each of their reads needs a fresh buffer (the consumer may
 * keep it), which V8 frees only when it next collects: 256 KiB keeps that garbage near 35 MiB
 * while gigabytes stream.
 */
const STREAM_READ_BYTES = 256 * 1024;
/** Chunks written to the socket and not yet flushed, per response. */
const PUMP_WRITES_IN_FLIGHT = 2;

interface PumpChunk {
  buf: Buffer;
  view: Buffer;
}

/**
 * `length` bytes of an open blob file from `start`, as a stream that closes the file when it
 * ends or is destroyed. Piped into an HTTP response it does not allocate per read: it reads
 * into a few 1 MiB buffers and reuses each once the socket has written it (the write callback),
 * reading the next chunk while the previous one is on its way to the client. Any other consumer
 * gets ordinary reads into buffers it may keep.
 */
export class FileBlobReadable extends Readable {
  private position: number;
  private remaining: number;
  private pumping = false;

  constructor(
    private readonly handle: FileHandle,
    start: number,
    length: number,
  ) {
    super({ highWaterMark: STREAM_READ_BYTES });
    this.position = start;
    this.remaining = length;
  }

  override _read(): void {
    if (this.remaining === 0) {
      this.push(null);
      return;
    }
    const buf = Buffer.allocUnsafeSlow(Math.min(STREAM_READ_BYTES, this.remaining));
    this.readAt(buf).then(
      (view) => {
        if (this.destroyed) return;
        this.push(view);
        if (this.remaining === 0) this.push(null);
      },
      (e: unknown) => this.destroy(e as Error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // FileHandle.close waits for reads still running on the handle.
    this.handle.close().then(
      () => callback(error),
      (e: unknown) => callback(error ?? (e as Error)),
    );
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    const untouched = !this.pumping && this.readableFlowing === null && this.readableLength === 0;
    if (!(destination instanceof ServerResponse) || !untouched || options?.end === false)
      return super.pipe(destination, options);
    this.pumping = true;
    void this.pump(destination);
    return destination;
  }

  /** Reads the next bytes into `buf`; the file ending early is an error, not a short blob. */
  private async readAt(buf: Buffer): Promise<Buffer> {
    const want = Math.min(buf.length, this.remaining);
    const { bytesRead } = await this.handle.read(buf, 0, want, this.position);
    if (bytesRead === 0) throw new Error('blob file ended before its recorded size');
    this.position += bytesRead;
    this.remaining -= bytesRead;
    return bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  }

  private readPooled(): Promise<PumpChunk> {
    const buf = bufferPool.take();
    return this.readAt(buf).then(
      (view) => ({ buf, view }),
      (e: unknown) => {
        bufferPool.give(buf);
        throw e;
      },
    );
  }

  private async pump(res: ServerResponse): Promise<void> {
    // Two chunks handed to the socket at once, so it never runs dry between a write finishing
    // and the next one arriving; a third is being read meanwhile.
    let inFlight = 0;
    let closed = false;
    let wake: (() => void) | undefined;
    const onClose = (): void => {
      closed = true;
      wake?.();
    };
    res.on('close', onClose);
    let next: Promise<PumpChunk> | undefined = this.remaining > 0 ? this.readPooled() : undefined;
    try {
      while (next) {
        const chunk: PumpChunk = await next;
        next = undefined;
        if (this.destroyed || closed) {
          bufferPool.give(chunk.buf);
          return;
        }
        if (this.remaining > 0) next = this.readPooled();
        inFlight++;
        // The socket holds the buffer until the write callback; only then is it reused.
        res.write(chunk.view, () => {
          inFlight--;
          bufferPool.give(chunk.buf);
          wake?.();
        });
        while (inFlight >= PUMP_WRITES_IN_FLIGHT && !closed)
          await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (this.destroyed || closed) return;
      res.end();
      // Ends the stream the usual way ('end', then autoDestroy closes the file).
      this.push(null);
      this.resume();
    } catch (e) {
      if (!this.destroyed) this.destroy(e as Error);
    } finally {
      res.off('close', onClose);
      // A read started ahead and no longer wanted: its buffer goes back once it settles.
      next?.then(
        (chunk) => bufferPool.give(chunk.buf),
        () => undefined,
      );
    }
  }
}
