import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tag naming one manifest of a repository; deleting the manifest deletes its tags. */
@Entity('tag')
export class TagEntity {
  @PrimaryColumn({ name: 'repository_id', type: 'integer' })
  repositoryId!: number;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ name: 'manifest_id', type: 'integer' })
  manifestId!: number;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
