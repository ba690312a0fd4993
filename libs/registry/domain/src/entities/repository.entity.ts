import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A repository (`project/name[/...]`), created on its first push. */
@Entity('repository')
export class RepositoryEntity {
  @PrimaryGeneratedColumn({ name: 'repository_id' })
  id!: number;

  @Column({ type: 'varchar', length: 255, unique: true })
  name!: string;

  @Column({ name: 'project_id', type: 'integer' })
  projectId!: number;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  /** Harbor's repository description; written only by the management API. */
  @Column({ type: 'text', default: '' })
  description!: string;

  /** When the API last changed the repository itself; pushes are dated by their manifests. */
  @Column({ name: 'updated_at', type: 'varchar', length: 32, nullable: true })
  updatedAt!: string | null;

  /** Pulls of its manifests, counted from `artifact.pulled` events by the management API. */
  @Column({ name: 'pull_count', type: 'integer', default: 0 })
  pullCount?: number;
}
