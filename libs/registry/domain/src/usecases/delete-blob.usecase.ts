import { Injectable } from '@nestjs/common';
import { OciError } from '@berth/oci';
import { BlobRepository } from '../repositories/blob.repository';
import { RepositoryResolver } from '../repository-resolver';
import { requireDigest } from '../uploads/blob-keys';

/** DELETE of a blob: unlinks it from the repository; garbage collection reclaims the bytes. */
@Injectable()
export class DeleteBlobUseCase {
  constructor(
    private readonly resolver: RepositoryResolver,
    private readonly blobs: BlobRepository,
  ) {}

  async execute(repository: string, digest: string): Promise<void> {
    requireDigest(digest);
    const repo = await this.resolver.existing(repository);
    if (!(await this.blobs.unlink(repo.id, digest)))
      throw new OciError('BLOB_UNKNOWN', 'blob unknown to registry', { digest });
  }
}
