import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A blob made visible in one repository (pushed or mounted there); blobs are served only through a link. */
@Entity('repository_blob')
export class RepositoryBlobEntity {
  @PrimaryColumn({ name: 'repository_id', type: 'integer' })
  repositoryId!: number;

  @PrimaryColumn({ type: 'varchar', length: 160 })
  digest!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
