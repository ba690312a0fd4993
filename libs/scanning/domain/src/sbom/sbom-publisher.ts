import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BLOB_STORE, type BlobStore } from '@berth/platform/storage';
import { OutboxWriter, createEvent } from '@berth/platform/messaging';
import { registryBlobKey } from '../service/registry-content';
import type { SbomManifestResult } from './sbom-manifest';

/** What the registry's own pushes name as their source; an SBOM push is one of them. */
const REGISTRY_EVENT_SOURCE = 'registry';

/*
 * The registry's tables (`repository`, `blob`, `repository_blob`, `manifest`) and its blob layout
 * are the contract here, as they are for RegistryContent's reads: the scanning domain may not
 * import the registry domain (a scope:registry library, which itself imports this one), and the
 * scanner app runs where the registry's code is not.
 */

/**
 * Pushes an SBOM manifest into the repository of the artifact it describes, as a client's push
 * would end: the blobs written under their digests first, then in one transaction the blob rows
 * and links, the manifest row (byte for byte, untagged, `subject` recorded so the referrers API
 * lists it) and `artifact.pushed`. Idempotent: the same bytes pushed again change nothing.
 */
@Injectable()
export class SbomPublisher {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly outbox: OutboxWriter,
  ) {}

  /** @throws Error when the repository is gone */
  async publish(repository: string, built: SbomManifestResult, operator: string): Promise<void> {
    for (const blob of built.blobs) {
      const key = registryBlobKey(blob.digest);
      const present = await this.blobs.stat(key).then(
        (s) => s.size === blob.bytes.length,
        () => false,
      );
      if (!present) await this.blobs.put(key, blob.bytes);
    }
    await this.dataSource.transaction(async (em) => {
      const repo = (await em
        .createQueryBuilder()
        .select('r.repository_id AS id')
        .from('repository', 'r')
        .where('r.name = :repository', { repository })
        .getRawOne()) as { id: number } | undefined;
      if (!repo) throw new Error(`repository ${repository} no longer exists`);
      const now = new Date().toISOString();
      const sql = placeholders(this.dataSource.options.type === 'postgres');
      for (const blob of built.blobs) {
        await em.query(
          sql(
            'INSERT INTO "blob" (digest, size, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
          ),
          [blob.digest, blob.bytes.length, now],
        );
        await em.query(
          sql(
            'INSERT INTO "repository_blob" (repository_id, digest, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
          ),
          [repo.id, blob.digest, now],
        );
      }
      const existing = (await em.query(
        sql('SELECT manifest_id FROM "manifest" WHERE repository_id = ? AND digest = ?'),
        [repo.id, built.manifestDigest],
      )) as unknown[];
      // Already there (a retried scan): pushed before, announced before.
      if (existing.length > 0) return;
      const m = built.manifest;
      await em.query(
        sql(
          'INSERT INTO "manifest" (repository_id, digest, media_type, artifact_type, subject_digest, annotations, size, content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ),
        [
          repo.id,
          built.manifestDigest,
          built.manifestMediaType,
          m.artifactType,
          m.subject.digest,
          JSON.stringify(m.annotations),
          built.manifestBytes.length,
          built.manifestBytes.toString('utf8'),
          now,
        ],
      );
      await this.outbox.append(
        em,
        createEvent(
          'artifact.pushed',
          {
            project: repository.split('/', 1)[0],
            repository,
            digest: built.manifestDigest,
            mediaType: built.manifestMediaType,
            size: built.manifestBytes.length,
            operator,
          },
          REGISTRY_EVENT_SOURCE,
        ),
      );
    });
  }
}

/** Numbers `?` placeholders `$1…` for PostgreSQL; SQLite takes them as they are. */
function placeholders(postgres: boolean): (text: string) => string {
  return (text) => {
    if (!postgres) return text;
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  };
}
