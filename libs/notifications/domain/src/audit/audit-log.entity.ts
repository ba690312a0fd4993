import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One audited action; `event_id` is unique, so a redelivered event is recorded once. */
@Entity('audit_log')
export class AuditLogEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'event_id', type: 'varchar', length: 36, unique: true })
  eventId!: string;

  @Column({ name: 'project_id', type: 'integer', nullable: true })
  projectId!: number | null;

  @Column({ type: 'varchar', length: 255 })
  username!: string;

  @Column({ type: 'varchar', length: 1024 })
  resource!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 32 })
  resourceType!: string;

  @Column({ type: 'varchar', length: 16 })
  operation!: string;

  @Column({ name: 'operation_result', type: 'boolean' })
  result!: boolean;

  @Column({ type: 'varchar', length: 1024, default: '' })
  description!: string;

  @Column({ name: 'source_address', type: 'varchar', length: 64, nullable: true })
  sourceAddress!: string | null;

  /** ISO 8601 UTC with milliseconds: sorts as text. */
  @Column({ name: 'op_time', type: 'varchar', length: 32 })
  opTime!: string;
}
