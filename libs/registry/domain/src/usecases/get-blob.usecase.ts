import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { OciError } from '@berth/oci';
import {
  BLOB_STORE,
  BlobNotFoundError,
  RangeNotSatisfiableError,
  parseRangeHeader,
  type BlobStore,
  type ResolvedByteRange,
} from '@berth/platform/storage';
import { RegistryHttpError } from '../registry.error';
import { BlobRepository } from '../repositories/blob.repository';
import { RepositoryResolver } from '../repository-resolver';
import { blobKeyOf, requireDigest } from '../uploads/blob-keys';

export interface GetBlobCommand {
  repository: string;
  digest: string;
  /** Whether to open the bytes (GET) or only describe them (HEAD). */
  withBody: boolean;
  rangeHeader?: string;
  /** Seconds a presigned URL stays valid; when set and the driver allows, answer with a redirect. */
  redirectTtlSeconds?: number;
}

export interface BlobResponse {
  digest: string;
  size: number;
  range?: ResolvedByteRange;
  body?: Readable;
  redirectUrl?: string;
}

/** GET/HEAD of a blob linked to the repository, whole or a byte range. */
@Injectable()
export class GetBlobUseCase {
  constructor(
    private readonly resolver: RepositoryResolver,
    private readonly blobs: BlobRepository,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
  ) {}

  async execute(cmd: GetBlobCommand): Promise<BlobResponse> {
    const parsed = requireDigest(cmd.digest);
    const repo = await this.resolver.existing(cmd.repository);
    const blob = await this.blobs.findLinked(repo.id, cmd.digest);
    if (!blob) throw blobUnknown(cmd.digest);
    const key = blobKeyOf(parsed);
    let range: ResolvedByteRange | undefined;
    try {
      range = parseRangeHeader(key, cmd.rangeHeader, blob.size);
    } catch (e) {
      if (!(e instanceof RangeNotSatisfiableError)) throw e;
      throw new RegistryHttpError('SIZE_INVALID', 'requested range not satisfiable', 416, {
        'Content-Range': `bytes */${blob.size}`,
      });
    }
    const result: BlobResponse = { digest: cmd.digest, size: blob.size, range };
    if (!cmd.withBody) return result;
    if (cmd.redirectTtlSeconds !== undefined && !range) {
      const url = await this.store.presignedGetUrl(key, cmd.redirectTtlSeconds);
      if (url) return { ...result, redirectUrl: url };
    }
    try {
      result.body = await this.store.read(key, range && { start: range.start, end: range.end });
    } catch (e) {
      // Recorded but gone from storage (lost, or removed by hand): the client sees an unknown blob.
      if (e instanceof BlobNotFoundError) throw blobUnknown(cmd.digest);
      throw e;
    }
    return result;
  }
}

function blobUnknown(digest: string): OciError {
  return new OciError('BLOB_UNKNOWN', 'blob unknown to registry', { digest });
}
