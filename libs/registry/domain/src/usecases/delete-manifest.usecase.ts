import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { OciError } from '@berth/oci';
import { OutboxWriter, createEvent } from '@berth/platform/messaging';
import { ManifestRepository } from '../repositories/manifest.repository';
import { TagRepository } from '../repositories/tag.repository';
import { RepositoryResolver, projectOf } from '../repository-resolver';
import { parseManifestReference } from './manifest-reference';
import { REGISTRY_EVENT_SOURCE } from './put-manifest.usecase';

export interface DeleteManifestCommand {
  repository: string;
  reference: string;
  /** Who asked and from where, as the event records it. */
  actor?: Actor;
}

/**
 * DELETE of a manifest. By digest: the manifest and its tags go, with the manifests that name it
 * as their subject (its accessories: signatures, SBOMs…, and theirs), as Harbor deletes them,
 * and `artifact.deleted` is announced for each. By tag: only the tag goes (the spec allows it);
 * the artifact itself remains.
 */
@Injectable()
export class DeleteManifestUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly resolver: RepositoryResolver,
    private readonly manifests: ManifestRepository,
    private readonly tags: TagRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(cmd: DeleteManifestCommand): Promise<void> {
    const reference = parseManifestReference(cmd.reference);
    const repo = await this.resolver.existing(cmd.repository);
    if (reference.kind === 'tag') {
      const deleted = await this.dataSource.transaction((em) =>
        this.tags.delete(em, repo.id, reference.tag),
      );
      if (!deleted) throw unknown(cmd.reference);
      return;
    }
    const manifest = await this.manifests.findByDigest(repo.id, reference.digest);
    if (!manifest) throw unknown(cmd.reference);
    await this.dataSource.transaction(async (em) => {
      const accessories = await this.manifests.accessoriesDeeply(em, repo.id, manifest.digest);
      for (const gone of [...accessories.reverse(), manifest]) {
        await this.manifests.delete(em, gone.id);
        await this.outbox.append(
          em,
          createEvent(
            'artifact.deleted',
            {
              project: projectOf(cmd.repository),
              repository: cmd.repository,
              digest: gone.digest,
              mediaType: gone.mediaType,
              ...cmd.actor,
            },
            REGISTRY_EVENT_SOURCE,
          ),
        );
      }
    });
  }
}

function unknown(reference: string): OciError {
  return new OciError('MANIFEST_UNKNOWN', 'manifest unknown to registry', { reference });
}
