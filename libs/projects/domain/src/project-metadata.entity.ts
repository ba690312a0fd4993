import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One of a project's settings (Harbor's `project_metadata`): `public`, `auto_scan`, … as strings. */
@Entity('project_metadata')
export class ProjectMetadataEntity {
  @PrimaryColumn({ name: 'project_id', type: 'integer' })
  projectId!: number;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 255 })
  value!: string;

  @Column({ name: 'creation_time', type: 'varchar', length: 32 })
  creationTime!: string;

  @Column({ name: 'update_time', type: 'varchar', length: 32 })
  updateTime!: string;
}
