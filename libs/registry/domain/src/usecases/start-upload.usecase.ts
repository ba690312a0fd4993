import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { BlobRepository } from '../repositories/blob.repository';
import { RepositoryRepository } from '../repositories/repository.repository';
import { UploadSessionRepository } from '../repositories/upload-session.repository';
import { RepositoryResolver } from '../repository-resolver';
import { BlobIngest } from '../uploads/blob-ingest';
import { requireDigest } from '../uploads/blob-keys';

export interface StartUploadCommand {
  repository: string;
  /** Monolithic upload: the digest of `body`. */
  digest?: string;
  body?: Readable;
  contentLength?: number;
  /** Cross-repository mount: the blob and the repository it is taken from (already authorized). */
  mount?: { digest: string; from: string };
}

export type StartUploadResult =
  { kind: 'created'; digest: string } | { kind: 'session'; uploadId: string };

/** POST /v2/<name>/blobs/uploads/: a mount, a monolithic upload, or a new upload session. */
@Injectable()
export class StartUploadUseCase {
  constructor(
    private readonly resolver: RepositoryResolver,
    private readonly repositories: RepositoryRepository,
    private readonly blobs: BlobRepository,
    private readonly sessions: UploadSessionRepository,
    private readonly ingest: BlobIngest,
  ) {}

  async execute(cmd: StartUploadCommand): Promise<StartUploadResult> {
    const digest = cmd.digest === undefined ? undefined : requireDigest(cmd.digest);
    const repository = await this.resolver.forPush(cmd.repository);
    if (cmd.mount && (await this.mount(repository.id, cmd.mount.digest, cmd.mount.from)))
      return { kind: 'created', digest: cmd.mount.digest };
    if (digest) {
      await this.ingest.writeVerified(repository.id, digest, cmd.body, cmd.contentLength);
      return { kind: 'created', digest: `${digest.algorithm}:${digest.encoded}` };
    }
    const session = await this.sessions.create(randomUUID(), repository.id);
    return { kind: 'session', uploadId: session.id };
  }

  /** Links the blob when `from` has it; false means fall back to a normal upload, as the spec allows. */
  private async mount(repositoryId: number, digest: string, from: string): Promise<boolean> {
    const source = await this.repositories.findByName(from);
    if (!source || !(await this.blobs.findLinked(source.id, digest))) return false;
    await this.blobs.link(repositoryId, digest);
    return true;
  }
}
