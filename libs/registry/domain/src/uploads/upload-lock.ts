import { Injectable } from '@nestjs/common';

/** Serializes work on one upload session within this process; replicas rely on the database's compare-and-set. */
@Injectable()
export class UploadLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(uploadId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(uploadId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(work);
    const tail = current.catch(() => undefined);
    this.tails.set(uploadId, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(uploadId) === tail) this.tails.delete(uploadId);
    }
  }
}
