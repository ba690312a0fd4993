import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { ManifestEntity } from '../entities/manifest.entity';
import { TagEntity } from '../entities/tag.entity';

export type NewManifest = Omit<ManifestEntity, 'id' | 'createdAt'>;

@Injectable()
export class ManifestRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByDigest(repositoryId: number, digest: string): Promise<ManifestEntity | null> {
    return this.dataSource.getRepository(ManifestEntity).findOneBy({ repositoryId, digest });
  }

  async findByTag(repositoryId: number, tag: string): Promise<ManifestEntity | null> {
    const row = await this.dataSource
      .getRepository(ManifestEntity)
      .createQueryBuilder('m')
      .innerJoin(TagEntity, 't', 't.manifest_id = m.manifest_id')
      .where('t.repository_id = :repositoryId AND t.name = :tag', { repositoryId, tag })
      .getOne();
    return row ?? null;
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
