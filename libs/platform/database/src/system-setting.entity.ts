import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Instance-wide key/value settings (instance id, bootstrap state). */
@Entity('system_setting')
export class SystemSettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
