import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { BlobEntity } from '../entities/blob.entity';
import { RepositoryBlobEntity } from '../entities/repository-blob.entity';

@Injectable()
export class BlobRepository {
  constructor(private readonly dataSource: DataSource) {}

  findBlob(digest: string): Promise<BlobEntity | null> {
    return this.dataSource.getRepository(BlobEntity).findOneBy({ digest });
  }

  /** The blob when it is linked to the repository; other repositories' blobs stay invisible. */
  async findLinked(repositoryId: number, digest: string): Promise<BlobEntity | null> {
    const row = await this.dataSource
      .getRepository(BlobEntity)
      .createQueryBuilder('b')
      .innerJoin(
        RepositoryBlobEntity,
        'l',
        'l.digest = b.digest AND l.repository_id = :repositoryId',
        {
          repositoryId,
        },
      )
      .where('b.digest = :digest', { digest })
      .getOne();
    return row ?? null;
  }

  /** Which of `digests` are linked to the repository. */
  async linkedDigests(repositoryId: number, digests: string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const rows = await this.dataSource
      .getRepository(RepositoryBlobEntity)
      .find({ select: { digest: true }, where: { repositoryId, digest: In(digests) } });
    return new Set(rows.map((r) => r.digest));
  }

  /** Records verified bytes (once per digest) and links them to the repository; both idempotent. */
  async record(
    repositoryId: number,
    digest: string,
    size: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const now = new Date().toISOString();
    await manager
      .createQueryBuilder()
      .insert()
      .into(BlobEntity)
      .values({ digest, size, createdAt: now })
      .orIgnore()
      .execute();
    await this.link(repositoryId, digest, manager);
  }

  async link(
    repositoryId: number,
    digest: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(RepositoryBlobEntity)
      .values({ repositoryId, digest, createdAt: new Date().toISOString() })
      .orIgnore()
      .execute();
  }

  /** Removes the link only; the bytes stay for garbage collection. Returns whether a link existed. */
  async unlink(repositoryId: number, digest: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(RepositoryBlobEntity)
      .delete({ repositoryId, digest });
    return (result.affected ?? 0) > 0;
  }
}
