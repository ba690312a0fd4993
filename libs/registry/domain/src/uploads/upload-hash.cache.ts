import { Injectable } from '@nestjs/common';
import type { Hash } from 'node:crypto';

const MAX_ENTRIES = 10_000;

/**
 * In-process fast path: the running hash of an upload, valid only at the offset it was taken
 * at. A sequential upload served by one process never reads its chunks back; after a restart
 * or on another replica the entry is missing and the hash is recomputed from storage.
 */
@Injectable()
export class UploadHashCache {
  private readonly entries = new Map<string, { offset: number; hash: Hash }>();

  /** Removes and returns the hash if it covers exactly `offset` bytes. */
  take(uploadId: string, offset: number): Hash | undefined {
    const entry = this.entries.get(uploadId);
    this.entries.delete(uploadId);
    return entry?.offset === offset ? entry.hash : undefined;
  }

  put(uploadId: string, offset: number, hash: Hash): void {
    // Abandoned uploads must not grow the map without bound; the oldest entry is cheapest to lose.
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(uploadId, { offset, hash });
  }

  forget(uploadId: string): void {
    this.entries.delete(uploadId);
  }
}
