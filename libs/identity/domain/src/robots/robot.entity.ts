import { Column, Entity, PrimaryGeneratedColumn, type ValueTransformer } from 'typeorm';
import type { RobotLevel, RobotPermission } from './robot-permission';

// PostgreSQL hands bigint back as a string.
const bigintNumber: ValueTransformer = {
  to: (v: number) => v,
  from: (v: string | number) => Number(v),
};
const json: ValueTransformer = {
  to: (v: RobotPermission[]) => JSON.stringify(v),
  from: (v: string) => JSON.parse(v) as RobotPermission[],
};

/** A robot account (Harbor's `robot`, its `rbac_policy` rows folded into `permissions`). */
@Entity('robot')
export class RobotEntity {
  @PrimaryGeneratedColumn({ name: 'robot_id' })
  id!: number;

  /** The full name: `robot$<name>` or `robot$<project>+<name>`. */
  @Column({ type: 'varchar', length: 255, unique: true })
  name!: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 16 })
  level!: RobotLevel;

  /** The project of a project robot; null for system robots. */
  @Column({ name: 'project_id', type: 'integer', nullable: true })
  projectId!: number | null;

  /** SHA-256 of the secret; the secret itself is shown once. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash!: string;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  /** Days it was given at creation or last update; -1 never expires. */
  @Column({ type: 'integer' })
  duration!: number;

  /** Unix seconds; -1 never expires. */
  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintNumber })
  expiresAt!: number;

  @Column({ type: 'text', transformer: json })
  permissions!: RobotPermission[];

  /** Who created it, `<kind>:<name>` as Harbor's `creator_ref`/`creator_type` would say. */
  @Column({ type: 'varchar', length: 255 })
  creator!: string;

  @Column({ name: 'creation_time', type: 'varchar', length: 32 })
  creationTime!: string;

  @Column({ name: 'update_time', type: 'varchar', length: 32 })
  updateTime!: string;
}
