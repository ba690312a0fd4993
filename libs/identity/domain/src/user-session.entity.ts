import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A portal login. Only the SHA-256 of the session id is stored, so a database read cannot log in. */
@Entity('user_session')
export class UserSessionEntity {
  @PrimaryColumn({ name: 'session_hash', type: 'varchar', length: 64 })
  sessionHash!: string;

  @Index()
  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ name: 'creation_time', type: 'varchar', length: 32 })
  creationTime!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 32 })
  expiresAt!: string;
}
