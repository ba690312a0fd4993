import { Injectable } from '@nestjs/common';
import { MediaType, type Descriptor } from '@berth/oci';
import { ManifestRepository } from '../repositories/manifest.repository';
import { RepositoryResolver } from '../repository-resolver';
import { requireDigest } from '../uploads/blob-keys';

export interface ReferrersIndex {
  schemaVersion: 2;
  mediaType: typeof MediaType.ociIndex;
  manifests: Descriptor[];
}

/** GET /v2/<name>/referrers/<digest>: manifests whose subject is the digest, as an image index. */
@Injectable()
export class ListReferrersUseCase {
  constructor(
    private readonly resolver: RepositoryResolver,
    private readonly manifests: ManifestRepository,
  ) {}

  async execute(
    repository: string,
    subject: string,
    artifactType?: string,
  ): Promise<ReferrersIndex> {
    requireDigest(subject);
    // A repository nothing was pushed to has no referrers yet: the spec wants an empty index, not 404.
    const repo = await this.resolver.existingOrUndefined(repository);
    const rows = repo ? await this.manifests.referrers(repo.id, subject, artifactType) : [];
    return {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: rows.map((m) => ({
        mediaType: m.mediaType,
        digest: m.digest,
        size: m.size,
        ...(m.artifactType ? { artifactType: m.artifactType } : {}),
        ...(m.annotations
          ? { annotations: JSON.parse(m.annotations) as Record<string, string> }
          : {}),
      })),
    };
  }
}
