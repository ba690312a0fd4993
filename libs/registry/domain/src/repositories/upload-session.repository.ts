import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { UploadSessionEntity } from '../entities/upload-session.entity';

@Injectable()
export class UploadSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(id: string, repositoryId: number): Promise<UploadSessionEntity> {
    const now = new Date().toISOString();
    const row: UploadSessionEntity = {
      id,
      repositoryId,
      offset: 0,
      chunkCount: 0,
      chunkTokens: '',
      createdAt: now,
      updatedAt: now,
    };
    await this.dataSource.getRepository(UploadSessionEntity).insert(row);
    return row;
  }

  find(id: string, repositoryId: number): Promise<UploadSessionEntity | null> {
    return this.dataSource.getRepository(UploadSessionEntity).findOneBy({ id, repositoryId });
  }

  /**
   * Records one more chunk, stored under `token`, if nobody else moved the session meanwhile
   * (compare-and-set on the offset and chunk count, so two replicas cannot both append there).
   */
  async advance(session: UploadSessionEntity, bytes: number, token: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(UploadSessionEntity).update(
      { id: session.id, offset: session.offset, chunkCount: session.chunkCount },
      {
        offset: session.offset + bytes,
        chunkCount: session.chunkCount + 1,
        chunkTokens: session.chunkTokens === '' ? token : `${session.chunkTokens} ${token}`,
        updatedAt: new Date().toISOString(),
      },
    );
    return (result.affected ?? 0) > 0;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(UploadSessionEntity).delete({ id });
    return (result.affected ?? 0) > 0;
  }

  findIdleSince(before: Date, limit: number): Promise<UploadSessionEntity[]> {
    return this.dataSource.getRepository(UploadSessionEntity).find({
      where: { updatedAt: LessThan(before.toISOString()) },
      take: limit,
    });
  }
}
