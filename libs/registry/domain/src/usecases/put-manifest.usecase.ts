import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { OciError, parseDigest, parseManifest, type ParsedManifest } from '@berth/oci';
import { OutboxWriter, createEvent } from '@berth/platform/messaging';
import { BlobRepository } from '../repositories/blob.repository';
import { ManifestRepository } from '../repositories/manifest.repository';
import { RepositoryRepository } from '../repositories/repository.repository';
import { TagRepository } from '../repositories/tag.repository';
import { RepositoryResolver, projectOf } from '../repository-resolver';
import { parseManifestReference } from './manifest-reference';

export interface PutManifestCommand {
  repository: string;
  reference: string;
  body: Buffer;
  contentType: string | undefined;
  /** Who asked and from where, as the event records it. */
  actor?: Actor;
}

export interface PutManifestResult {
  digest: string;
  subject?: string;
}

export const REGISTRY_EVENT_SOURCE = 'registry';

/** PUT of a manifest: validated, every reference present, stored byte for byte, tagged, announced. */
@Injectable()
export class PutManifestUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly resolver: RepositoryResolver,
    private readonly repositories: RepositoryRepository,
    private readonly blobs: BlobRepository,
    private readonly manifests: ManifestRepository,
    private readonly tags: TagRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(cmd: PutManifestCommand): Promise<PutManifestResult> {
    const reference = parseManifestReference(cmd.reference);
    const { repository, projectId } = await this.resolver.beforePush(cmd.repository);
    const manifest = parseManifest(cmd.body, cmd.contentType);
    const algorithm =
      reference.kind === 'digest'
        ? (parseDigest(reference.digest)?.algorithm ?? 'sha256')
        : 'sha256';
    const digest = `${algorithm}:${createHash(algorithm).update(cmd.body).digest('hex')}`;
    if (reference.kind === 'digest' && reference.digest !== digest)
      throw new OciError('DIGEST_INVALID', 'manifest does not match the digest in the URL', {
        digest: reference.digest,
      });
    await this.checkReferences(repository?.id, manifest);

    const repo = repository ?? (await this.repositories.findOrCreate(cmd.repository, projectId));
    const tag = reference.kind === 'tag' ? reference.tag : undefined;
    await this.dataSource.transaction(async (em) => {
      const stored = await this.manifests.insert(em, {
        repositoryId: repo.id,
        digest,
        mediaType: manifest.mediaType,
        artifactType: manifest.artifactType ?? manifest.config?.mediaType ?? null,
        subjectDigest: manifest.subject?.digest ?? null,
        annotations: manifest.annotations ? JSON.stringify(manifest.annotations) : null,
        size: cmd.body.length,
        // parseManifest decoded these bytes as strict UTF-8, so the text re-encodes to them exactly.
        content: cmd.body.toString('utf8'),
      });
      if (tag !== undefined) await this.tags.upsert(em, repo.id, tag, stored.id);
      await this.outbox.append(
        em,
        createEvent(
          'artifact.pushed',
          {
            project: projectOf(cmd.repository),
            repository: cmd.repository,
            digest,
            mediaType: manifest.mediaType,
            size: cmd.body.length,
            ...(tag === undefined ? {} : { tag }),
            ...cmd.actor,
          },
          REGISTRY_EVENT_SOURCE,
        ),
      );
    });
    return { digest, subject: manifest.subject?.digest };
  }

  /** Config and layers must be blobs of the repository, index entries its manifests; `subject` may come later. */
  private async checkReferences(
    repositoryId: number | undefined,
    manifest: ParsedManifest,
  ): Promise<void> {
    // Foreign layers (with `urls`) live outside the registry by design.
    const blobDigests = [manifest.config, ...manifest.layers]
      .filter((d) => d !== undefined && !(d.urls && d.urls.length > 0))
      .map((d) => d!.digest);
    const childDigests = manifest.manifests.map((d) => d.digest);
    const [blobs, children] =
      repositoryId === undefined
        ? [new Set<string>(), new Set<string>()]
        : await Promise.all([
            this.blobs.linkedDigests(repositoryId, [...new Set(blobDigests)]),
            this.manifests.existingDigests(repositoryId, [...new Set(childDigests)]),
          ]);
    const missingBlob = blobDigests.find((d) => !blobs.has(d));
    if (missingBlob)
      throw new OciError('MANIFEST_BLOB_UNKNOWN', 'manifest references an unknown blob', {
        digest: missingBlob,
      });
    const missingChild = childDigests.find((d) => !children.has(d));
    if (missingChild)
      throw new OciError('MANIFEST_BLOB_UNKNOWN', 'index references an unknown manifest', {
        digest: missingChild,
      });
  }
}
