import { Injectable } from '@nestjs/common';
import { UploadSessionRepository } from '../repositories/upload-session.repository';
import { BlobIngest } from '../uploads/blob-ingest';
import { UploadLock } from '../uploads/upload-lock';

/** Removes upload sessions idle for longer than `maxIdleMs`, with their chunk objects. */
@Injectable()
export class PurgeExpiredUploadsUseCase {
  constructor(
    private readonly sessions: UploadSessionRepository,
    private readonly ingest: BlobIngest,
    private readonly lock: UploadLock,
  ) {}

  async execute(maxIdleMs: number): Promise<number> {
    const expired = await this.sessions.findIdleSince(new Date(Date.now() - maxIdleMs), 500);
    for (const session of expired)
      await this.lock.run(session.id, () => this.ingest.discard(session));
    return expired.length;
  }
}
