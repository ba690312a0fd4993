import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer';

/**
 * A blob upload in progress. Each PATCH body is its own object `uploads/<id>/<seq>`, so the
 * session survives a restart and any replica can continue it.
 */
@Entity('upload_session')
export class UploadSessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'repository_id', type: 'integer' })
  repositoryId!: number;

  /** Bytes received so far: the next chunk must start here. */
  @Column({ name: 'received_bytes', type: 'bigint', transformer: bigintAsNumber })
  offset!: number;

  @Column({ name: 'chunk_count', type: 'integer' })
  chunkCount!: number;

  /**
   * Space-separated token of each chunk in order (part of its key). Sessions begun before
   * tokens existed have fewer tokens than chunks: their first chunks have untokened keys.
   */
  @Column({ name: 'chunk_tokens', type: 'text' })
  chunkTokens!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
