import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A project: the first path component of every repository name, and the unit of access.
 * A deleted project keeps its row, renamed `name#id` so the name is free again (as in Harbor).
 */
@Entity('project')
export class ProjectEntity {
  @PrimaryGeneratedColumn({ name: 'project_id' })
  id!: number;

  @Column({ type: 'varchar', length: 255, unique: true })
  name!: string;

  /** The user who created it (Harbor's `owner_id`); `library` belongs to admin, user 1. */
  @Column({ name: 'owner_id', type: 'integer', default: 1 })
  ownerId!: number;

  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
