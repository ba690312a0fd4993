import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { BlobIngest, type ChunkRange } from '../uploads/blob-ingest';
import { UploadLock } from '../uploads/upload-lock';
import { UploadSessionLookup } from './upload-session.lookup';

export interface AppendUploadChunkCommand {
  repository: string;
  uploadId: string;
  body: Readable;
  /** From `Content-Range`; absent for a streamed PATCH. */
  range?: ChunkRange;
}

/** PATCH on an upload: stores the body as the session's next chunk; returns the new offset. */
@Injectable()
export class AppendUploadChunkUseCase {
  constructor(
    private readonly lookup: UploadSessionLookup,
    private readonly ingest: BlobIngest,
    private readonly lock: UploadLock,
  ) {}

  async execute(cmd: AppendUploadChunkCommand): Promise<number> {
    await this.lookup.find(cmd.repository, cmd.uploadId);
    return this.lock.run(cmd.uploadId, async () => {
      const session = await this.lookup.find(cmd.repository, cmd.uploadId);
      return this.ingest.appendChunk(session, cmd.body, cmd.range);
    });
  }
}
