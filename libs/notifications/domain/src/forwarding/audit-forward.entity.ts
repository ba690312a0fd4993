import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An audit record waiting to reach the SIEM; deleted once the collector took it. */
@Entity('audit_forward')
export class AuditForwardEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'event_id', type: 'varchar', length: 36, unique: true })
  eventId!: string;

  /** The AuditRecord as JSON. */
  @Column({ type: 'text' })
  record!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
