import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { RegistryHttpError } from '../registry.error';
import { BlobIngest, type ChunkRange } from '../uploads/blob-ingest';
import { requireDigest } from '../uploads/blob-keys';
import { UploadLock } from '../uploads/upload-lock';
import { UploadSessionLookup } from './upload-session.lookup';

export interface CompleteUploadCommand {
  repository: string;
  uploadId: string;
  digest: string | undefined;
  /** An optional last chunk. */
  body?: Readable;
  /** From `Content-Range` of the last chunk, when the client sends one. */
  range?: ChunkRange;
  contentLength?: number;
}

/** PUT on an upload: verifies digest and size, installs the blob and closes the session. */
@Injectable()
export class CompleteUploadUseCase {
  constructor(
    private readonly lookup: UploadSessionLookup,
    private readonly ingest: BlobIngest,
    private readonly lock: UploadLock,
  ) {}

  async execute(cmd: CompleteUploadCommand): Promise<string> {
    await this.lookup.find(cmd.repository, cmd.uploadId);
    const digest = requireDigest(cmd.digest);
    await this.lock.run(cmd.uploadId, async () => {
      let session = await this.lookup.find(cmd.repository, cmd.uploadId);
      if (session.chunkCount === 0 && cmd.body && (!cmd.range || cmd.range.start === 0)) {
        // POST then PUT with the whole body: stream straight to the blob, no chunk in between.
        try {
          await this.ingest.writeVerified(
            session.repositoryId,
            digest,
            cmd.body,
            cmd.contentLength,
          );
        } finally {
          await this.ingest.discard(session);
        }
        return;
      }
      if (cmd.body) {
        await this.ingest.appendChunk(session, cmd.body, cmd.range).catch(async (e: unknown) => {
          // An out-of-order chunk leaves the session as it was, so the client can resume it.
          if (!(e instanceof RegistryHttpError && e.status === 416))
            await this.ingest.discard(session);
          throw e;
        });
        session = await this.lookup.find(cmd.repository, cmd.uploadId);
      }
      await this.ingest.assemble(session, digest);
    });
    return `${digest.algorithm}:${digest.encoded}`;
  }
}
