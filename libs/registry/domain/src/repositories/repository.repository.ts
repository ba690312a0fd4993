import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RepositoryEntity } from '../entities/repository.entity';
import { inByteOrder } from './byte-order';

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
    const name = inByteOrder(this.dataSource, 'r.name');
    const query = this.dataSource
      .getRepository(RepositoryEntity)
      .createQueryBuilder('r')
      .select('r.name', 'name');
    if (last !== undefined) query.where(`${name} > :last`, { last });
    const rows = await query.orderBy(name, 'ASC').limit(limit).getRawMany<{ name: string }>();
    return rows.map((r) => r.name);
  }
}
