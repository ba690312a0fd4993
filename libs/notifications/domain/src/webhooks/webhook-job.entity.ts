import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../column-transformers';

/** Harbor's job states, as the executions and tasks API shows them. */
export type WebhookJobStatus = 'Pending' | 'Running' | 'Success' | 'Error' | 'Stopped';

/**
 * One delivery of one event to one target of one policy: Harbor's webhook execution and its
 * single task in one row. (policy, event, target) is unique, so a redelivered event adds nothing.
 */
@Entity('webhook_job')
export class WebhookJobEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'policy_id', type: 'integer' })
  policyId!: number;

  @Column({ name: 'project_id', type: 'integer' })
  projectId!: number;

  /** The domain event's id: the idempotency key receivers de-duplicate by. */
  @Column({ name: 'event_id', type: 'varchar', length: 36 })
  eventId!: string;

  @Column({ name: 'target_index', type: 'integer' })
  targetIndex!: number;

  @Column({ name: 'event_type', type: 'varchar', length: 32 })
  eventType!: string;

  /** `WEBHOOK` or `SLACK`, Harbor's vendor types. */
  @Column({ name: 'vendor_type', type: 'varchar', length: 16 })
  vendorType!: string;

  @Column({ type: 'varchar', length: 2048 })
  address!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 64 })
  contentType!: string;

  /** The rendered body, fixed when the event arrived, so every attempt sends the same bytes. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: WebhookJobStatus;

  @Column({ name: 'status_message', type: 'varchar', length: 1024, default: '' })
  statusMessage!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** Unix ms when the next attempt may start. */
  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: bigintNumber })
  nextAttemptAt!: number;

  /** Unix ms until which a running attempt belongs to the notifier that claimed it. */
  @Column({ name: 'lease_until', type: 'bigint', transformer: bigintNumber, default: 0 })
  leaseUntil!: number;

  /** Random per claim: which rows a claiming notifier actually got. */
  @Column({ name: 'claim', type: 'varchar', length: 36, nullable: true })
  claim!: string | null;

  @Column({ name: 'creation_time', type: 'varchar', length: 32 })
  creationTime!: string;

  @Column({ name: 'start_time', type: 'varchar', length: 32, nullable: true })
  startTime!: string | null;

  @Column({ name: 'end_time', type: 'varchar', length: 32, nullable: true })
  endTime!: string | null;

  @Column({ name: 'update_time', type: 'varchar', length: 32 })
  updateTime!: string;
}
