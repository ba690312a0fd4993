import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One attempt of a webhook job: what the task log shows. */
@Entity('webhook_attempt')
export class WebhookAttemptEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'job_id', type: 'integer' })
  jobId!: number;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ name: 'started_at', type: 'varchar', length: 32 })
  startedAt!: string;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'boolean' })
  ok!: boolean;

  @Column({ type: 'varchar', length: 1024, default: '' })
  error!: string;
}
