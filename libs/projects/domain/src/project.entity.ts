import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A project: the first path component of every repository name, and the unit of access. */
@Entity('project')
export class ProjectEntity {
  @PrimaryGeneratedColumn({ name: 'project_id' })
  id!: number;

  @Column({ type: 'varchar', length: 255, unique: true })
  name!: string;

  @Column({ type: 'boolean', default: false })
  public!: boolean;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
