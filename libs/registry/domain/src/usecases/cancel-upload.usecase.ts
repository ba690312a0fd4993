import { Injectable } from '@nestjs/common';
import { BlobIngest } from '../uploads/blob-ingest';
import { UploadLock } from '../uploads/upload-lock';
import { UploadSessionLookup } from './upload-session.lookup';

/** DELETE on an upload: drops the session and its chunks. */
@Injectable()
export class CancelUploadUseCase {
  constructor(
    private readonly lookup: UploadSessionLookup,
    private readonly ingest: BlobIngest,
    private readonly lock: UploadLock,
  ) {}

  async execute(repository: string, uploadId: string): Promise<void> {
    await this.lookup.find(repository, uploadId);
    await this.lock.run(uploadId, async () =>
      this.ingest.discard(await this.lookup.find(repository, uploadId)),
    );
  }
}
