import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { ManifestEntity } from '../entities/manifest.entity';
import { TagEntity } from '../entities/tag.entity';

export type NewManifest = Omit<ManifestEntity, 'id' | 'createdAt'>;

const MANIFEST_COLUMNS =
  'm.manifest_id, m.repository_id, m.digest, m.media_type, m.artifact_type, m.subject_digest, ' +
  'm.annotations, m.size, m.content, m.created_at';

interface ManifestRow {
  manifest_id: number;
  repository_id: number;
  digest: string;
  media_type: string;
  artifact_type: string | null;
  subject_digest: string | null;
  annotations: string | null;
  size: number | string;
  content: string;
  created_at: string;
}

@Injectable()
export class ManifestRepository {
  /** The pull path's two lookups as plain SQL: the query builder costs more than the query. */
  private readonly byRepositoryAndTag: string;
  private readonly byRepositoryAndDigest: string;

  constructor(private readonly dataSource: DataSource) {
    const [a, b] = this.dataSource.options.type === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    this.byRepositoryAndTag =
      `SELECT ${MANIFEST_COLUMNS} FROM "repository" r ` +
      'JOIN "tag" t ON t.repository_id = r.repository_id ' +
      'JOIN "manifest" m ON m.manifest_id = t.manifest_id ' +
      `WHERE r.name = ${a} AND t.name = ${b}`;
    this.byRepositoryAndDigest =
      `SELECT ${MANIFEST_COLUMNS} FROM "repository" r ` +
      'JOIN "manifest" m ON m.repository_id = r.repository_id ' +
      `WHERE r.name = ${a} AND m.digest = ${b}`;
  }

  /** The manifest a tag or digest names in the repository called `repository`, in one query. */
  async findInRepositoryNamed(
    repository: string,
    reference: { kind: 'tag'; tag: string } | { kind: 'digest'; digest: string },
  ): Promise<ManifestEntity | null> {
    const rows = (await this.dataSource.query(
      reference.kind === 'tag' ? this.byRepositoryAndTag : this.byRepositoryAndDigest,
      [repository, reference.kind === 'tag' ? reference.tag : reference.digest],
    )) as ManifestRow[];
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.manifest_id,
      repositoryId: row.repository_id,
      digest: row.digest,
      mediaType: row.media_type,
      artifactType: row.artifact_type,
      subjectDigest: row.subject_digest,
      annotations: row.annotations,
      size: Number(row.size),
      content: row.content,
      createdAt: row.created_at,
    };
  }

  findByDigest(repositoryId: number, digest: string): Promise<ManifestEntity | null> {
    return this.dataSource.getRepository(ManifestEntity).findOneBy({ repositoryId, digest });
  }

  /** Which of `digests` are manifests of the repository. */
  async existingDigests(repositoryId: number, digests: string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const rows = await this.dataSource
      .getRepository(ManifestEntity)
      .find({ select: { digest: true }, where: { repositoryId, digest: In(digests) } });
    return new Set(rows.map((r) => r.digest));
  }

  /** Stores the manifest unless the repository already has these exact bytes; returns the stored row. */
  async insert(manager: EntityManager, manifest: NewManifest): Promise<ManifestEntity> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(ManifestEntity)
      .values({ ...manifest, createdAt: new Date().toISOString() })
      .orIgnore()
      .execute();
    return manager.getRepository(ManifestEntity).findOneByOrFail({
      repositoryId: manifest.repositoryId,
      digest: manifest.digest,
    });
  }

  /** Deletes the manifest and, with it, its tags. */
  async delete(manager: EntityManager, manifestId: number): Promise<void> {
    await manager.getRepository(TagEntity).delete({ manifestId });
    await manager.getRepository(ManifestEntity).delete({ id: manifestId });
  }

  /**
   * The manifests whose subject is `digest` in the repository, theirs, and so on (breadth first,
   * each once): what goes with `digest` when it is deleted, as Harbor deletes accessories.
   */
  async accessoriesDeeply(
    manager: EntityManager,
    repositoryId: number,
    digest: string,
  ): Promise<Array<Pick<ManifestEntity, 'id' | 'digest' | 'mediaType'>>> {
    const found: Array<Pick<ManifestEntity, 'id' | 'digest' | 'mediaType'>> = [];
    const seen = new Set([digest]);
    let subjects = [digest];
    while (subjects.length > 0) {
      const rows = await manager.getRepository(ManifestEntity).find({
        select: { id: true, digest: true, mediaType: true },
        where: { repositoryId, subjectDigest: In(subjects) },
        order: { id: 'ASC' },
      });
      const fresh = rows.filter((r) => !seen.has(r.digest));
      for (const r of fresh) seen.add(r.digest);
      found.push(...fresh);
      subjects = fresh.map((r) => r.digest);
    }
    return found;
  }

  /** Manifests of the repository whose subject is `subject`, optionally of one artifact type. */
  referrers(
    repositoryId: number,
    subject: string,
    artifactType?: string,
  ): Promise<ManifestEntity[]> {
    return this.dataSource.getRepository(ManifestEntity).find({
      select: {
        id: true,
        digest: true,
        mediaType: true,
        size: true,
        artifactType: true,
        annotations: true,
      },
      where: {
        repositoryId,
        subjectDigest: subject,
        ...(artifactType === undefined ? {} : { artifactType }),
      },
      order: { id: 'ASC' },
    });
  }
}
