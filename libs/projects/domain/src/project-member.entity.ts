import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ProjectRoleId } from './project-role';

/** A user's role in a project (Harbor's `project_member`, entity type `u`; groups come later). */
@Entity('project_member')
export class ProjectMemberEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id!: number;

  @Column({ name: 'project_id', type: 'integer' })
  projectId!: number;

  @Column({ name: 'entity_id', type: 'integer' })
  entityId!: number;

  @Column({ name: 'entity_type', type: 'varchar', length: 1, default: 'u' })
  entityType!: 'u';

  @Column({ name: 'role_id', type: 'integer' })
  roleId!: ProjectRoleId;

  @Column({ name: 'creation_time', type: 'varchar', length: 32 })
  creationTime!: string;

  @Column({ name: 'update_time', type: 'varchar', length: 32 })
  updateTime!: string;
}
