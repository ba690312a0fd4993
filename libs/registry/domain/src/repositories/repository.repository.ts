import { Injectable } from '@nestjs/common';
import { DataSource, MoreThan } from 'typeorm';
import { RepositoryEntity } from '../entities/repository.entity';

@Injectable()
export class RepositoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByName(name: string): Promise<RepositoryEntity | null> {
    return this.dataSource.getRepository(RepositoryEntity).findOneBy({ name });
  }

  /** Creates the repository unless a concurrent push already did; returns the stored row. */
  async findOrCreate(name: string, projectId: number): Promise<RepositoryEntity> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(RepositoryEntity)
      .values({ name, projectId, createdAt: new Date().toISOString() })
      .orIgnore()
      .execute();
    return this.dataSource.getRepository(RepositoryEntity).findOneByOrFail({ name });
  }

  /** Names after `last` in lexical order, at most `limit`. */
  async listNames(last: string | undefined, limit: number): Promise<string[]> {
    const rows = await this.dataSource.getRepository(RepositoryEntity).find({
      select: { name: true },
      where: last === undefined ? {} : { name: MoreThan(last) },
      order: { name: 'ASC' },
      take: limit,
    });
    return rows.map((r) => r.name);
  }
}
