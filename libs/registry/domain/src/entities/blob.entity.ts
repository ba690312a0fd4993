import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer';

/** A blob whose verified bytes are in the blob store under its digest; stored once per digest. */
@Entity('blob')
export class BlobEntity {
  @PrimaryColumn({ type: 'varchar', length: 160 })
  digest!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size!: number;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
