import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An OAuth2 refresh token (`access_type=offline`). The token is `<selector>.<verifier>`: the
 * selector finds the row, only the verifier's SHA-256 is stored and compared in constant time.
 */
@Entity('auth_refresh_token')
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  selector!: string;

  @Column({ name: 'verifier_hash', type: 'varchar', length: 64 })
  verifierHash!: string;

  /** Exactly one of userId and robotId is set. */
  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId!: number | null;

  @Column({ name: 'robot_id', type: 'integer', nullable: true })
  robotId!: number | null;

  /** The OAuth2 client it was issued to; a refresh must name the same one. */
  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId!: string;

  /** SHA-256 of the credentials' hashes at issue time: a password or secret change voids the token. */
  @Column({ name: 'credential_stamp', type: 'varchar', length: 64 })
  credentialStamp!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 32 })
  expiresAt!: string;
}
