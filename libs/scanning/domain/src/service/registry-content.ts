import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { parseDigest } from '@berth/oci';
import { BLOB_STORE, type BlobStore } from '@berth/platform/storage';
import type { BlobSource } from '../layers/image-inventory';

/** A manifest as the registry stored it. */
export interface StoredManifest {
  digest: string;
  mediaType: string;
  /** `artifactType`, else the config's media type; null for an index. */
  artifactType: string | null;
  subjectDigest: string | null;
  /** The bytes exactly as pushed. */
  content: string;
}

/*
 * The registry's tables and blob layout are the contract here, as for the API's ArtifactStore:
 * the scanner may not import the registry, and reads what the registry wrote.
 */

/** Where the registry keeps a blob's bytes: `blobs/<algorithm>/<first two hex>/<hex>`. */
export function registryBlobKey(digest: string): string {
  const parsed = parseDigest(digest);
  if (!parsed) throw new Error(`not a digest: ${digest.slice(0, 160)}`);
  return `blobs/${parsed.algorithm}/${parsed.encoded.slice(0, 2)}/${parsed.encoded}`;
}

/** The `manifest` columns a StoredManifest is made of, as selected from alias `m`. */
const MANIFEST_COLUMNS = [
  'm.digest AS digest',
  'm.media_type AS media_type',
  'm.artifact_type AS artifact_type',
  'm.subject_digest AS subject_digest',
  'm.content AS content',
];

interface ManifestRow {
  digest: string;
  media_type: string;
  artifact_type: string | null;
  subject_digest: string | null;
  content: string;
}

const storedManifestOf = (row: ManifestRow): StoredManifest => ({
  digest: row.digest,
  mediaType: row.media_type,
  artifactType: row.artifact_type,
  subjectDigest: row.subject_digest,
  content: row.content,
});

/** Manifests from the registry's `manifest` table and blobs through the BlobStore. */
@Injectable()
export class RegistryContent implements BlobSource {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  /** The manifest of that digest in the repository (full name), or null. */
  async manifest(repository: string, digest: string): Promise<StoredManifest | null> {
    const row = (await this.dataSource
      .createQueryBuilder()
      .select(MANIFEST_COLUMNS)
      .from('manifest', 'm')
      .innerJoin('repository', 'r', 'r.repository_id = m.repository_id')
      .where('r.name = :repository AND m.digest = :digest', { repository, digest })
      .getRawOne()) as ManifestRow | undefined;
    return row ? storedManifestOf(row) : null;
  }

  /** Every image and index in the registry, once per digest, with one repository holding it. */
  async allScannable(): Promise<Array<{ repository: string; manifest: StoredManifest }>> {
    const rows = (await this.dataSource
      .createQueryBuilder()
      .select(['r.name AS repository', ...MANIFEST_COLUMNS])
      .from('manifest', 'm')
      .innerJoin('repository', 'r', 'r.repository_id = m.repository_id')
      .orderBy('m.manifest_id', 'ASC')
      .getRawMany()) as Array<ManifestRow & { repository: string }>;
    const seen = new Set<string>();
    return rows.flatMap((r) => {
      if (seen.has(r.digest)) return [];
      seen.add(r.digest);
      return [{ repository: r.repository, manifest: storedManifestOf(r) }];
    });
  }

  open(digest: string): Promise<Readable> {
    return this.blobs.read(registryBlobKey(digest));
  }
}
