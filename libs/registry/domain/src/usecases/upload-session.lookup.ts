import { Injectable } from '@nestjs/common';
import { OciError } from '@berth/oci';
import type { UploadSessionEntity } from '../entities/upload-session.entity';
import { UploadSessionRepository } from '../repositories/upload-session.repository';
import { RepositoryResolver } from '../repository-resolver';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Finds an upload session of a repository, or throws BLOB_UPLOAD_UNKNOWN. */
@Injectable()
export class UploadSessionLookup {
  constructor(
    private readonly resolver: RepositoryResolver,
    private readonly sessions: UploadSessionRepository,
  ) {}

  async find(repository: string, uploadId: string): Promise<UploadSessionEntity> {
    const repo = await this.resolver.existing(repository).catch((e: unknown) => {
      if (e instanceof OciError && e.code === 'NAME_UNKNOWN') throw unknownUpload(uploadId);
      throw e;
    });
    const session = uuidPattern.test(uploadId) ? await this.sessions.find(uploadId, repo.id) : null;
    if (!session) throw unknownUpload(uploadId);
    return session;
  }
}

function unknownUpload(uploadId: string): OciError {
  return new OciError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { uploadId });
}
