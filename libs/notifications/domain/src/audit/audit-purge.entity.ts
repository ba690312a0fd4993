import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type PurgeStatus = 'Running' | 'Success' | 'Error' | 'Stopped';

/** One run of the audit-log purge, manual or scheduled; Harbor's purge ExecHistory. */
@Entity('audit_purge_execution')
export class AuditPurgeExecutionEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  /** `MANUAL` or `SCHEDULE`. */
  @Column({ type: 'varchar', length: 16 })
  trigger!: string;

  /** For scheduled runs the slot it ran for, unique so two replicas never both run one slot. */
  @Column({ name: 'slot', type: 'varchar', length: 32, nullable: true, unique: true })
  slot!: string | null;

  @Column({ name: 'dry_run', type: 'boolean' })
  dryRun!: boolean;

  @Column({ name: 'retention_hours', type: 'integer' })
  retentionHours!: number;

  /** Comma-separated operations purged, e.g. `create,delete,pull`. */
  @Column({ name: 'include_operations', type: 'varchar', length: 255 })
  includeOperations!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: PurgeStatus;

  @Column({ type: 'integer', default: 0 })
  purged!: number;

  @Column({ type: 'text', default: '' })
  log!: string;

  @Column({ name: 'start_time', type: 'varchar', length: 32 })
  startTime!: string;

  @Column({ name: 'end_time', type: 'varchar', length: 32, nullable: true })
  endTime!: string | null;
}
