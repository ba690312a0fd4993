import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';

// PostgreSQL returns bigint as a string; every value here stays below 2^53.
const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** One event waiting to be published (or already published) by the outbox relay. */
@Entity('outbox_event')
export class OutboxEventEntity {
  /** The envelope id: also the JetStream message id that de-duplicates re-publishes. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Publication order: microseconds since the epoch, strictly increasing within a process. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  seq!: number;

  @Column({ type: 'varchar', length: 128 })
  type!: string;

  /** The whole envelope as JSON, published byte for byte. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'occurred_at', type: 'varchar', length: 40 })
  occurredAt!: string;

  @Column({ name: 'published_at', type: 'varchar', length: 40, nullable: true })
  publishedAt!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
