import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TagEntity } from '../entities/tag.entity';
import { inByteOrder } from './byte-order';

@Injectable()
export class TagRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Points the tag at the manifest, creating or moving it. */
  async upsert(
    manager: EntityManager,
    repositoryId: number,
    name: string,
    manifestId: number,
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(TagEntity)
      .values({ repositoryId, name, manifestId, updatedAt: new Date().toISOString() })
      .orUpdate(['manifest_id', 'updated_at'], ['repository_id', 'name'])
      .execute();
  }

  async delete(manager: EntityManager, repositoryId: number, name: string): Promise<boolean> {
    const result = await manager.getRepository(TagEntity).delete({ repositoryId, name });
    return (result.affected ?? 0) > 0;
  }

  /** Tag names after `last` in lexical order, at most `limit`. */
  async list(repositoryId: number, last: string | undefined, limit: number): Promise<string[]> {
    const name = inByteOrder(this.dataSource, 't.name');
    const query = this.dataSource
      .getRepository(TagEntity)
      .createQueryBuilder('t')
      .select('t.name', 'name')
      .where('t.repository_id = :repositoryId', { repositoryId });
    if (last !== undefined) query.andWhere(`${name} > :last`, { last });
    const rows = await query.orderBy(name, 'ASC').limit(limit).getRawMany<{ name: string }>();
    return rows.map((r) => r.name);
  }
}
